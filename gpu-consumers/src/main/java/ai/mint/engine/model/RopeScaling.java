package ai.mint.engine.model;

import ai.mint.engine.EngineException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code rope_scaling} entry of config.json for the types whose formulas only rescale the rotary inverse
 * frequencies and keep attention unscaled: {@code linear} (divide every frequency by {@code factor}) and
 * {@code llama3} (divide low frequencies, keep high ones, interpolate between). {@link #NONE} is the default rotary.
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {

    public static final RopeScaling NONE = new RopeScaling("default", 1.0, 0, 0, 0);

    public RopeScaling {
        if (!type.equals("default") && !type.equals("linear") && !type.equals("llama3")) {
            throw new EngineException("rope_scaling type '" + type + "' is not supported (linear, llama3)");
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
        if (!type.equals("linear") && !type.equals("llama3")) {
            throw new EngineException("rope_scaling type '" + type + "' changes the model's maths and is not"
                    + " supported (supported: linear, llama3)");
        }
        return new RopeScaling(type, n.path("factor").asDouble(Double.NaN), n.path("low_freq_factor").asDouble(0),
                n.path("high_freq_factor").asDouble(0), n.path("original_max_position_embeddings").asInt(0));
    }

    public boolean isNone() {
        return type.equals("default");
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
        }
    }

    /** Inverse frequencies [headDim / 2] for {@code theta}, as transformers' rope init functions compute them. */
    public double[] inverseFrequencies(int headDim, double theta) {
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
            if (type.equals("linear")) {
                inv[i] /= factor;
            } else if (type.equals("llama3")) {
                inv[i] = llama3(inv[i]);
            }
        }
        return inv;
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
