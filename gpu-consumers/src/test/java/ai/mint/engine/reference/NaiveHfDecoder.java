package ai.mint.engine.reference;

import ai.mint.engine.safetensors.HostTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An independent, deliberately naive reference for the Hugging Face Llama / Qwen2 / Qwen2-MoE / Mixtral forward:
 * scalar double loops over one sequence, written from the transformers modelling code rather than from the engine,
 * reading config.json with Jackson and the checkpoint (and optionally a PEFT adapter) by tensor name. Weights stay in
 * Hugging Face's [out, in] layout here, so a transpose slip in the engine cannot cancel out.
 */
public final class NaiveHfDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode cfg;
    private final Map<String, HostTensor> w = new HashMap<>();
    private final String type;
    private final int hidden;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final double eps;
    private PeftLora lora;

    public NaiveHfDecoder(Path baseDir) {
        try {
            cfg = JSON.readTree(Files.readAllBytes(baseDir.resolve("config.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ScalarOps.readAll(baseDir.resolve("model.safetensors"), w);
        type = cfg.path("model_type").asText("llama");
        hidden = cfg.get("hidden_size").asInt();
        heads = cfg.get("num_attention_heads").asInt();
        kvHeads = cfg.path("num_key_value_heads").asInt(heads);
        headDim = cfg.has("head_dim") ? cfg.get("head_dim").asInt() : hidden / heads;
        eps = cfg.path("rms_norm_eps").asDouble(1e-6);
    }

    /** Adds a PEFT adapter directory: every {@code lora_A.weight} [r, in] / {@code lora_B.weight} [out, r] pair. */
    public NaiveHfDecoder withPeftAdapter(Path adapterDir) {
        lora = new PeftLora(adapterDir);
        return this;
    }

    /** Logits [T][V] for one sequence at positions 0..T-1. */
    public double[][] logits(long[] tokens) {
        int t = tokens.length;
        double[][] x = new double[t][];
        HostTensor embed = w.get("model.embed_tokens.weight");
        for (int i = 0; i < t; i++) {
            x[i] = ScalarOps.row(embed, (int) tokens[i]);
        }
        int layers = cfg.get("num_hidden_layers").asInt();
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] h = rmsNorm(x, p + "input_layernorm.weight");
            ScalarOps.addInPlace(x, attention(h, p + "self_attn."));
            h = rmsNorm(x, p + "post_attention_layernorm.weight");
            ScalarOps.addInPlace(x, mlp(h, p));
        }
        double[][] normed = rmsNorm(x, "model.norm.weight");
        HostTensor head = w.containsKey("lm_head.weight") ? w.get("lm_head.weight") : embed;
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            out[i] = ScalarOps.matVec(head, normed[i]);
        }
        return out;
    }

    private double[][] attention(double[][] h, String p) {
        int t = h.length;
        double[][] q = new double[t][];
        double[][] k = new double[t][];
        double[][] v = new double[t][];
        for (int i = 0; i < t; i++) {
            q[i] = linear(p + "q_proj", h[i]);
            k[i] = linear(p + "k_proj", h[i]);
            v[i] = linear(p + "v_proj", h[i]);
            rope(q[i], heads, i);
            rope(k[i], kvHeads, i);
        }
        int groups = heads / kvHeads;
        double[][] merged = new double[t][heads * headDim];
        for (int head = 0; head < heads; head++) {
            int kvHead = head / groups;   // repeat_kv: query head n reads key/value head n / groups
            for (int i = 0; i < t; i++) {
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int d = 0; d < headDim; d++) {
                        s += q[i][head * headDim + d] * k[j][kvHead * headDim + d];
                    }
                    scores[j] = s / Math.sqrt(headDim);
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int d = 0; d < headDim; d++) {
                        merged[i][head * headDim + d] += scores[j] / sum * v[j][kvHead * headDim + d];
                    }
                }
            }
        }
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            out[i] = linear(p + "o_proj", merged[i]);
        }
        return out;
    }

    /** rotate_half RoPE on each head of {@code x} in place at {@code pos}. */
    private void rope(double[] x, int nHeads, int pos) {
        double[] invFreq = RopeFrequencies.inverseFrequencies(cfg, headDim);
        double amplitude = RopeFrequencies.amplitude(cfg);
        int half = headDim / 2;
        for (int head = 0; head < nHeads; head++) {
            int o = head * headDim;
            double[] rotated = new double[headDim];
            for (int i = 0; i < half; i++) {
                double angle = pos * invFreq[i];
                double x1 = x[o + i];
                double x2 = x[o + i + half];
                rotated[i] = amplitude * (x1 * Math.cos(angle) - x2 * Math.sin(angle));
                rotated[i + half] = amplitude * (x2 * Math.cos(angle) + x1 * Math.sin(angle));
            }
            System.arraycopy(rotated, 0, x, o, headDim);
        }
    }

    private double[][] mlp(double[][] h, String p) {
        boolean mixtral = type.equals("mixtral");
        if (!type.equals("qwen2_moe") && !mixtral) {
            double[][] out = new double[h.length][];
            for (int i = 0; i < h.length; i++) {
                out[i] = swiGlu(p + "mlp.", "gate_proj", "up_proj", "down_proj", h[i]);
            }
            return out;
        }
        int experts = mixtral ? cfg.get("num_local_experts").asInt() : cfg.get("num_experts").asInt();
        int k = cfg.get("num_experts_per_tok").asInt();
        boolean renormalise = mixtral || cfg.path("norm_topk_prob").asBoolean(false);
        String router = p + (mixtral ? "block_sparse_moe.gate" : "mlp.gate");
        double[][] out = new double[h.length][];
        for (int i = 0; i < h.length; i++) {
            double[] probs = ScalarOps.softmax(linear(router, h[i]));
            boolean[] chosen = new boolean[experts];
            double chosenSum = 0;
            for (int n = 0; n < k; n++) {      // torch.topk: largest first, the lower index wins a tie
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!chosen[e] && (best < 0 || probs[e] > probs[best])) {
                        best = e;
                    }
                }
                chosen[best] = true;
                chosenSum += probs[best];
            }
            double[] y = new double[hidden];
            for (int e = 0; e < experts; e++) {
                if (chosen[e]) {
                    double weight = renormalise ? probs[e] / chosenSum : probs[e];
                    double[] ye = mixtral
                            ? swiGlu(p + "block_sparse_moe.experts." + e + ".", "w1", "w3", "w2", h[i])
                            : swiGlu(p + "mlp.experts." + e + ".", "gate_proj", "up_proj", "down_proj", h[i]);
                    for (int d = 0; d < hidden; d++) {
                        y[d] += weight * ye[d];
                    }
                }
            }
            if (w.containsKey(p + "mlp.shared_expert.gate_proj.weight")) {
                double[] shared = swiGlu(p + "mlp.shared_expert.", "gate_proj", "up_proj", "down_proj", h[i]);
                double gate = ScalarOps.sigmoid(linear(p + "mlp.shared_expert_gate", h[i])[0]);
                for (int d = 0; d < hidden; d++) {
                    y[d] += gate * shared[d];
                }
            }
            out[i] = y;
        }
        return out;
    }

    private double[] swiGlu(String prefix, String gateName, String upName, String downName, double[] x) {
        double[] gate = linear(prefix + gateName, x);
        double[] up = linear(prefix + upName, x);
        for (int i = 0; i < gate.length; i++) {
            gate[i] = ScalarOps.silu(gate[i]) * up[i];
        }
        return linear(prefix + downName, gate);
    }

    private double[][] rmsNorm(double[][] x, String weightName) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = ScalarOps.rmsNorm(x[i], w.get(weightName).floats(), eps);
        }
        return out;
    }

    /** y = W x (+ bias) (+ scale * B (A x) when the adapter targets this module). */
    private double[] linear(String module, double[] x) {
        double[] y = ScalarOps.matVec(w.get(module + ".weight"), x);
        HostTensor bias = w.get(module + ".bias");
        if (bias != null) {
            for (int i = 0; i < y.length; i++) {
                y[i] += bias.floats()[i];
            }
        }
        if (lora != null) {
            lora.addTo(module, x, y);
        }
        return y;
    }

}
