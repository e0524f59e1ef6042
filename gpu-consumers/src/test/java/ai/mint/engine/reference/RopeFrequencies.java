package ai.mint.engine.reference;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Rotary inverse frequencies as transformers' {@code ROPE_INIT_FUNCTIONS} compute them for the default, "linear"
 * and "llama3" types, in double precision, straight from config.json (reference side of the engine tests).
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
        } else if (!type.equals("default")) {
            throw new IllegalArgumentException("reference has no rope type " + type);
        }
        return inv;
    }
}
