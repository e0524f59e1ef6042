package ai.mint.engine.reference;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Rotary inverse frequencies as transformers' {@code ROPE_INIT_FUNCTIONS} compute them for the default, "linear",
 * "llama3" and "yarn" types, and the cos/sin attention factor yarn returns, in double precision, straight from
 * config.json (reference side of the engine tests).
 */
final class RopeFrequencies {

    private RopeFrequencies() {
    }

    static double[] inverseFrequencies(JsonNode cfg, int headDim) {
        double theta = cfg.path("rope_theta").asDouble(10000.0);
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, 2.0 * i / headDim);
        }
        JsonNode s = cfg.path("rope_scaling");
        if (s.isMissingNode() || s.isNull()) {
            return inv;
        }
        String type = s.has("rope_type") ? s.get("rope_type").asText() : s.path("type").asText();
        double factor = s.path("factor").asDouble(1.0);
        if (type.equals("linear")) {
            for (int i = 0; i < inv.length; i++) {
                inv[i] /= factor;
            }
        } else if (type.equals("llama3")) {
            double low = s.get("low_freq_factor").asDouble();
            double high = s.get("high_freq_factor").asDouble();
            double oldContext = s.get("original_max_position_embeddings").asDouble();
            double lowWavelen = oldContext / low;
            double highWavelen = oldContext / high;
            for (int i = 0; i < inv.length; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > lowWavelen) {
                    inv[i] = inv[i] / factor;
                } else if (wavelen >= highWavelen) {
                    double smooth = (oldContext / wavelen - low) / (high - low);
                    inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
                }
            }
        } else if (type.equals("yarn")) {
            yarn(inv, s, headDim, theta, factor);
        } else if (!type.equals("default")) {
            throw new IllegalArgumentException("reference has no rope type " + type);
        }
        return inv;
    }

    /**
     * _compute_yarn_parameters: find_correction_range(beta_fast, beta_slow) over the original context gives [low,
     * high]; inv_freq = interpolation * (1 - extrapolation_factor) + extrapolation * extrapolation_factor, with
     * extrapolation_factor = 1 - linear_ramp_factor(low, high).
     */
    private static void yarn(double[] inv, JsonNode s, int dim, double base, double factor) {
        double original = s.get("original_max_position_embeddings").asDouble();
        double betaFast = s.path("beta_fast").asDouble(0) == 0 ? 32 : s.get("beta_fast").asDouble();
        double betaSlow = s.path("beta_slow").asDouble(0) == 0 ? 1 : s.get("beta_slow").asDouble();
        boolean truncate = s.path("truncate").asBoolean(true);
        double low = dim * Math.log(original / (betaFast * 2 * Math.PI)) / (2 * Math.log(base));
        double high = dim * Math.log(original / (betaSlow * 2 * Math.PI)) / (2 * Math.log(base));
        if (truncate) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, dim - 1);
        if (low == high) {
            high += 0.001;
        }
        for (int i = 0; i < inv.length; i++) {
            double ramp = Math.max(0, Math.min(1, (i - low) / (high - low)));
            double extrapolation = 1 - ramp;
            inv[i] = inv[i] / factor * (1 - extrapolation) + inv[i] * extrapolation;
        }
    }

    /** The factor yarn puts on cos and sin: attention_factor, else mscale ratio, else get_mscale(factor); else 1. */
    static double amplitude(JsonNode cfg) {
        JsonNode s = cfg.path("rope_scaling");
        String type = s.has("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
        if (!type.equals("yarn")) {
            return 1.0;
        }
        if (s.hasNonNull("attention_factor")) {
            return s.get("attention_factor").asDouble();
        }
        double factor = s.get("factor").asDouble();
        double mscale = s.path("mscale").asDouble(0);
        double mscaleAllDim = s.path("mscale_all_dim").asDouble(0);
        if (mscale != 0 && mscaleAllDim != 0) {
            return getMscale(factor, mscale) / getMscale(factor, mscaleAllDim);
        }
        return getMscale(factor, 1);
    }

    static double getMscale(double scale, double mscale) {
        return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
    }
}
