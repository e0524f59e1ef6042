package ai.mint.engine.model;

import ai.mint.engine.EngineException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code rope_scaling} entry of config.json: {@code linear} (divide every frequency by {@code factor}),
 * {@code llama3} (divide low frequencies, keep high ones, interpolate between) and {@code yarn} (the same idea with a
 * ramp over rotary dimensions, plus an amplitude on cos/sin). {@link #NONE} is the default rotary.
 *
 * <p>YaRN follows transformers' {@code _compute_yarn_parameters}: the ramp runs between the dimensions that turn
 * {@code beta_fast} and {@code beta_slow} times over {@code original_max_position_embeddings} (floored/ceiled unless
 * {@code truncate} is false); the cos/sin amplitude is {@code attention_factor} if given, else
 * {@code mscale(factor, mscale) / mscale(factor, mscale_all_dim)} when both are set, else {@code mscale(factor)},
 * with {@code mscale(s, m) = 0.1 m ln(s) + 1} (1 when s <= 1). DeepSeek-V3's extra softmax scale from
 * {@code mscale_all_dim} belongs to its attention, see {@link #deepseekSoftmaxMultiplier()}.
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions, double betaFast, double betaSlow, double mscale,
                          double mscaleAllDim, double attentionFactor, boolean truncate) {

    public static final RopeScaling NONE = new RopeScaling("default", 1.0, 0, 0, 0, 0, 0, 0, 0, Double.NaN, true);

    public RopeScaling {
        if (!type.equals("default") && !type.equals("linear") && !type.equals("llama3") && !type.equals("yarn")) {
            throw new EngineException("rope_scaling type '" + type + "' is not supported (linear, llama3, yarn)");
        }
        if (!type.equals("default") && !(factor > 0)) {
            throw new EngineException("rope_scaling.factor must be positive, got " + factor);
        }
        if (type.equals("llama3") && !(lowFreqFactor > 0 && highFreqFactor > lowFreqFactor
                && originalMaxPositions > 0)) {
            throw new EngineException("rope_scaling llama3 needs 0 < low_freq_factor < high_freq_factor and a positive"
                    + " original_max_position_embeddings, got " + lowFreqFactor + ", " + highFreqFactor + ", "
                    + originalMaxPositions);
        }
        if (type.equals("yarn") && !(originalMaxPositions > 0 && betaFast > 0 && betaSlow > 0)) {
            throw new EngineException("rope_scaling yarn needs a positive original_max_position_embeddings, beta_fast"
                    + " and beta_slow, got " + originalMaxPositions + ", " + betaFast + ", " + betaSlow);
        }
    }

    /** The original signature (linear / llama3). */
    public RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                       int originalMaxPositions) {
        this(type, factor, lowFreqFactor, highFreqFactor, originalMaxPositions, 0, 0, 0, 0, Double.NaN, true);
    }

    /** Parses {@code rope_scaling} (missing or null means none); any other type is rejected by name. */
    public static RopeScaling fromJson(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return NONE;
        }
        String type = n.has("rope_type") ? n.get("rope_type").asText() : n.path("type").asText("default");
        if (type.equals("default")) {
            return NONE;
        }
        if (!type.equals("linear") && !type.equals("llama3") && !type.equals("yarn")) {
            throw new EngineException("rope_scaling type '" + type + "' changes the model's maths and is not"
                    + " supported (supported: linear, llama3, yarn)");
        }
        // transformers treats a null or 0 beta as "use the paper's default"
        double betaFast = n.path("beta_fast").asDouble(0) > 0 ? n.get("beta_fast").asDouble() : 32;
        double betaSlow = n.path("beta_slow").asDouble(0) > 0 ? n.get("beta_slow").asDouble() : 1;
        return new RopeScaling(type, n.path("factor").asDouble(Double.NaN), n.path("low_freq_factor").asDouble(0),
                n.path("high_freq_factor").asDouble(0), n.path("original_max_position_embeddings").asInt(0),
                type.equals("yarn") ? betaFast : 0, type.equals("yarn") ? betaSlow : 0,
                n.path("mscale").asDouble(0), n.path("mscale_all_dim").asDouble(0),
                n.hasNonNull("attention_factor") ? n.get("attention_factor").asDouble() : Double.NaN,
                n.path("truncate").asBoolean(true));
    }

    public boolean isNone() {
        return type.equals("default");
    }

    public boolean isYarn() {
        return type.equals("yarn");
    }

    /** Writes this as config.json's rope_scaling object (nothing for the default). */
    void writeTo(ObjectNode config) {
        if (isNone()) {
            return;
        }
        ObjectNode s = config.putObject("rope_scaling");
        s.put("rope_type", type);
        s.put("factor", factor);
        if (type.equals("llama3")) {
            s.put("low_freq_factor", lowFreqFactor);
            s.put("high_freq_factor", highFreqFactor);
            s.put("original_max_position_embeddings", originalMaxPositions);
        } else if (isYarn()) {
            s.put("original_max_position_embeddings", originalMaxPositions);
            s.put("beta_fast", betaFast);
            s.put("beta_slow", betaSlow);
            if (mscale != 0) {
                s.put("mscale", mscale);
            }
            if (mscaleAllDim != 0) {
                s.put("mscale_all_dim", mscaleAllDim);
            }
            if (!Double.isNaN(attentionFactor)) {
                s.put("attention_factor", attentionFactor);
            }
            if (!truncate) {
                s.put("truncate", false);
            }
        }
    }

    /** Inverse frequencies [rotaryDim / 2] for {@code theta}, as transformers' rope init functions compute them. */
    public double[] inverseFrequencies(int rotaryDim, double theta) {
        double[] inv = new double[rotaryDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / rotaryDim);
            if (type.equals("linear")) {
                inv[i] /= factor;
            } else if (type.equals("llama3")) {
                inv[i] = llama3(inv[i]);
            }
        }
        if (isYarn()) {
            yarn(inv, rotaryDim, theta);
        }
        return inv;
    }

    /** Factor on cos and sin (so on both q and k): YaRN's attention factor, 1 for the other types. */
    public double ropeAmplitude() {
        if (!isYarn()) {
            return 1.0;
        }
        if (!Double.isNaN(attentionFactor)) {
            return attentionFactor;
        }
        if (mscale != 0 && mscaleAllDim != 0) {
            return yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim);
        }
        return yarnMscale(factor, 1.0);
    }

    /**
     * DeepSeek-V3's attention multiplies its softmax scale by {@code mscale(factor, mscale_all_dim)^2} when the rope
     * is scaled and {@code mscale_all_dim} is set (transformers' DeepseekV3Attention, DeepSeek's own MLA); 1 otherwise.
     */
    public double deepseekSoftmaxMultiplier() {
        if (isNone() || mscaleAllDim == 0) {
            return 1.0;
        }
        double m = yarnMscale(factor, mscaleAllDim);
        return m * m;
    }

    /** YaRN's {@code 0.1 * m * ln(scale) + 1}, or 1 when the scale does not extend the context. */
    public static double yarnMscale(double scale, double m) {
        return scale <= 1 ? 1.0 : 0.1 * m * Math.log(scale) + 1.0;
    }

    /** Blends interpolated (divided by factor) and original frequencies with a linear ramp over dimensions. */
    private void yarn(double[] inv, int dim, double theta) {
        double low = correctionDim(betaFast, dim, theta);
        double high = correctionDim(betaSlow, dim, theta);
        if (truncate) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, dim - 1);
        if (low == high) {
            high += 0.001; // as transformers: avoid a zero-width ramp
        }
        for (int i = 0; i < inv.length; i++) {
            double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
            double keep = 1 - ramp;   // share of the original (extrapolated) frequency
            inv[i] = inv[i] / factor * (1 - keep) + inv[i] * keep;
        }
    }

    /** The rotary dimension whose wavelength turns {@code rotations} times over the original context. */
    private double correctionDim(double rotations, int dim, double theta) {
        return dim * Math.log(originalMaxPositions / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }

    private double llama3(double invFreq) {
        double wavelen = 2 * Math.PI / invFreq;
        double lowWavelen = originalMaxPositions / lowFreqFactor;
        double highWavelen = originalMaxPositions / highFreqFactor;
        if (wavelen < highWavelen) {
            return invFreq;                 // high frequencies: unchanged
        }
        if (wavelen > lowWavelen) {
            return invFreq / factor;        // low frequencies: fully interpolated
        }
        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * invFreq / factor + smooth * invFreq;
    }
}
