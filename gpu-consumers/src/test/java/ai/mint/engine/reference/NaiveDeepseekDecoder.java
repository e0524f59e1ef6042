package ai.mint.engine.reference;

import ai.mint.engine.safetensors.HostTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent, deliberately naive reference for the DeepSeek-V3 forward (and V3.2's sparse attention): scalar
 * double loops over one sequence, transcribed from transformers' modeling_deepseek_v3.py (DeepseekV3Attention,
 * DeepseekV3TopkRouter, DeepseekV3MoE) and from DeepSeek-V3.2's inference code and paper for the lightning indexer,
 * not from the engine. It reads config.json with Jackson and the checkpoint by tensor name, keeps every weight in
 * [out, in] layout, rotates interleaved pairs {@code (2i, 2i + 1)} directly (the engine permutes weights instead),
 * and expands every key and value per head (the engine may attend in the latent space).
 */
public final class NaiveDeepseekDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** DeepseekV3RMSNorm's default eps, which q_a_layernorm and kv_a_layernorm keep whatever rms_norm_eps says. */
    private static final double LATENT_EPS = 1e-6;

    private final JsonNode cfg;
    private final Map<String, HostTensor> w = new HashMap<>();
    private final int heads;
    private final int qLoraRank;
    private final int kvRank;
    private final int dn;
    private final int dr;
    private final int dv;
    private final boolean interleave;
    private final double eps;
    private final double[] invFreq;
    private final double amplitude;
    private final double softmaxScale;
    private final boolean dsa;
    private PeftLora lora;
    /** Set when an indexer selection was decided by a near-tie (the engine's float32 may then order differently). */
    private boolean ambiguousSelection;

    public NaiveDeepseekDecoder(Path baseDir) {
        try {
            cfg = JSON.readTree(Files.readAllBytes(baseDir.resolve("config.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ScalarOps.readAll(baseDir.resolve("model.safetensors"), w);
        heads = cfg.get("num_attention_heads").asInt();
        qLoraRank = cfg.get("q_lora_rank").isNull() ? 0 : cfg.get("q_lora_rank").asInt();
        kvRank = cfg.get("kv_lora_rank").asInt();
        dn = cfg.get("qk_nope_head_dim").asInt();
        dr = cfg.get("qk_rope_head_dim").asInt();
        dv = cfg.get("v_head_dim").asInt();
        interleave = cfg.path("rope_interleave").asBoolean(true);
        eps = cfg.path("rms_norm_eps").asDouble(1e-6);
        invFreq = RopeFrequencies.inverseFrequencies(cfg, dr);
        amplitude = RopeFrequencies.amplitude(cfg);
        double scale = 1 / Math.sqrt(dn + dr);
        JsonNode rope = cfg.path("rope_scaling");
        if (rope.isObject() && rope.path("mscale_all_dim").asDouble(0) != 0) {
            double m = RopeFrequencies.getMscale(rope.get("factor").asDouble(), rope.get("mscale_all_dim").asDouble());
            scale *= m * m;
        }
        softmaxScale = scale;
        dsa = cfg.get("model_type").asText().equals("deepseek_v32");
    }

    /**
     * Adds a PEFT adapter: its lora_A / lora_B pairs apply to the modules they name (q_a_proj, q_b_proj,
     * kv_a_proj_with_mqa, kv_b_proj, o_proj, a dense mlp's, each routed expert's and the shared experts'
     * projections), with interleaved rotary rows as the checkpoint stores them.
     */
    public NaiveDeepseekDecoder withPeftAdapter(Path adapterDir) {
        lora = new PeftLora(adapterDir);
        return this;
    }

    /** True if some query's top-k was decided by index scores closer than 1e-6 (then pick another seed). */
    public boolean ambiguousSelection() {
        return ambiguousSelection;
    }

    /** Logits [T][V] for one sequence at positions 0..T-1. */
    public double[][] logits(long[] tokens) {
        int t = tokens.length;
        double[][] x = new double[t][];
        for (int i = 0; i < t; i++) {
            x[i] = ScalarOps.row(w.get("model.embed_tokens.weight"), (int) tokens[i]);
        }
        for (int l = 0; l < cfg.get("num_hidden_layers").asInt(); l++) {
            String p = "model.layers." + l + ".";
            double[][] h = norm(x, p + "input_layernorm.weight");
            ScalarOps.addInPlace(x, attention(h, p + "self_attn."));
            h = norm(x, p + "post_attention_layernorm.weight");
            double[][] y = new double[t][];
            for (int i = 0; i < t; i++) {
                y[i] = l < cfg.path("first_k_dense_replace").asInt(3) ? swiGlu(p + "mlp.", h[i]) : moe(p + "mlp.", h[i]);
            }
            ScalarOps.addInPlace(x, y);
        }
        double[][] normed = norm(x, "model.norm.weight");
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            out[i] = ScalarOps.matVec(w.get("lm_head.weight"), normed[i]);
        }
        return out;
    }

    private double[][] attention(double[][] h, String p) {
        int t = h.length;
        double[][] q = new double[t][];       // per head: [nope dn | rope dr]
        double[][] qLatent = new double[t][];
        double[][] kNope = new double[t][];   // per head dn, then values per head dv
        double[][] values = new double[t][];
        double[][] kRot = new double[t][];    // one rotary key shared by every head
        for (int i = 0; i < t; i++) {
            if (qLoraRank > 0) {
                qLatent[i] = ScalarOps.rmsNorm(linear(p + "q_a_proj", h[i]), w.get(p + "q_a_layernorm.weight").floats(),
                        LATENT_EPS);
                q[i] = linear(p + "q_b_proj", qLatent[i]);
            } else {
                q[i] = linear(p + "q_proj", h[i]);
            }
            double[] compressed = linear(p + "kv_a_proj_with_mqa", h[i]);
            double[] latent = ScalarOps.rmsNorm(java.util.Arrays.copyOf(compressed, kvRank),
                    w.get(p + "kv_a_layernorm.weight").floats(), LATENT_EPS);
            double[] kv = linear(p + "kv_b_proj", latent);
            kNope[i] = new double[heads * dn];
            values[i] = new double[heads * dv];
            for (int hd = 0; hd < heads; hd++) {
                System.arraycopy(kv, hd * (dn + dv), kNope[i], hd * dn, dn);
                System.arraycopy(kv, hd * (dn + dv) + dn, values[i], hd * dv, dv);
                rotate(q[i], hd * (dn + dr) + dn, i, interleave);
            }
            kRot[i] = java.util.Arrays.copyOfRange(compressed, kvRank, kvRank + dr);
            rotate(kRot[i], 0, i, interleave);
        }
        List<boolean[]> allowed = dsa ? indexerSelection(h, qLatent, p + "indexer.") : null;
        double[][] merged = new double[t][heads * dv];
        for (int hd = 0; hd < heads; hd++) {
            for (int i = 0; i < t; i++) {
                double[] scores = new double[i + 1];
                for (int j = 0; j <= i; j++) {
                    scores[j] = (ScalarOps.dot(q[i], hd * (dn + dr), kNope[j], hd * dn, dn)
                            + ScalarOps.dot(q[i], hd * (dn + dr) + dn, kRot[j], 0, dr)) * softmaxScale;
                    if (allowed != null && !allowed.get(i)[j]) {
                        scores[j] = Double.NEGATIVE_INFINITY;
                    }
                }
                double[] probs = ScalarOps.softmax(scores);
                for (int j = 0; j <= i; j++) {
                    for (int d = 0; d < dv; d++) {
                        merged[i][hd * dv + d] += probs[j] * values[j][hd * dv + d];
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

    /**
     * DSA: I(i, j) = sum over index heads of w(i, head) * relu(q(i, head) . k(j)); query i keeps the index_topk best
     * of its positions 0..i (all of them when there are no more).
     */
    private List<boolean[]> indexerSelection(double[][] h, double[][] qLatent, String p) {
        int t = h.length;
        int n = cfg.get("index_n_heads").asInt();
        int d = cfg.get("index_head_dim").asInt();
        int topK = cfg.get("index_topk").asInt();
        double[][] keys = new double[t][];
        for (int j = 0; j < t; j++) {
            keys[j] = ScalarOps.layerNorm(linear(p + "wk", h[j]), w.get(p + "k_norm.weight").floats(),
                    w.get(p + "k_norm.bias").floats(), 1e-6);
            rotate(keys[j], 0, j, false);   // the indexer's rope is not interleaved
        }
        List<boolean[]> allowed = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            double[] queries = linear(p + "wq_b", qLatent[i]);
            double[] weights = linear(p + "weights_proj", h[i]);
            for (int head = 0; head < n; head++) {
                rotate(queries, head * d, i, false);
            }
            double[] score = new double[i + 1];
            for (int j = 0; j <= i; j++) {
                for (int head = 0; head < n; head++) {
                    double relu = Math.max(0, ScalarOps.dot(queries, head * d, keys[j], 0, d));
                    score[j] += weights[head] / Math.sqrt(n) / Math.sqrt(d) * relu;
                }
            }
            allowed.add(topK(score, Math.min(topK, i + 1)));
        }
        return allowed;
    }

    /** The k best positions; flags a near-tie between the last one kept and one left out. */
    private boolean[] topK(double[] score, int k) {
        boolean[] chosen = pickLargest(score, k);
        double last = Double.POSITIVE_INFINITY;
        for (int j = 0; j < score.length; j++) {
            last = chosen[j] ? Math.min(last, score[j]) : last;
        }
        for (int j = 0; j < score.length; j++) {
            if (!chosen[j] && Math.abs(score[j] - last) < 1e-6 * Math.max(1, Math.abs(last))) {
                ambiguousSelection = true;
            }
        }
        return chosen;
    }

    /**
     * Rotary position {@code pos} on {@code x[from .. from + dr)}: DeepSeek's complex rotation of pairs
     * (2i, 2i + 1) when interleaved, rotate_half pairs (i, i + dr/2) otherwise; cos and sin times yarn's factor.
     */
    private void rotate(double[] x, int from, int pos, boolean pairs) {
        int half = dr / 2;
        double[] out = new double[dr];
        for (int i = 0; i < half; i++) {
            double c = Math.cos(pos * invFreq[i]) * amplitude;
            double s = Math.sin(pos * invFreq[i]) * amplitude;
            int a = pairs ? 2 * i : i;
            int b = pairs ? 2 * i + 1 : i + half;
            out[a] = x[from + a] * c - x[from + b] * s;
            out[b] = x[from + b] * c + x[from + a] * s;
        }
        System.arraycopy(out, 0, x, from, dr);
    }

    /** DeepseekV3TopkRouter + DeepseekV3MoE for one token. */
    private double[] moe(String p, double[] h) {
        int experts = cfg.get("n_routed_experts").asInt();
        int k = cfg.get("num_experts_per_tok").asInt();
        int groups = cfg.path("n_group").asInt(8);
        int topkGroup = cfg.path("topk_group").asInt(4);
        double[] logits = linear(p + "gate", h);
        float[] bias = w.get(p + "gate.e_score_correction_bias").floats();
        double[] scores = new double[experts];
        double[] choice = new double[experts];
        for (int e = 0; e < experts; e++) {
            scores[e] = ScalarOps.sigmoid(logits[e]);
            choice[e] = scores[e] + bias[e];
        }
        int perGroup = experts / groups;
        double[] groupScore = new double[groups];
        for (int g = 0; g < groups; g++) {
            double[] members = java.util.Arrays.copyOfRange(choice, g * perGroup, (g + 1) * perGroup);
            java.util.Arrays.sort(members);
            groupScore[g] = members[perGroup - 1] + members[perGroup - 2];
        }
        boolean[] keptGroup = pickLargest(groupScore, topkGroup);
        double[] masked = new double[experts];
        for (int e = 0; e < experts; e++) {
            masked[e] = keptGroup[e / perGroup] ? choice[e] : 0.0;   // masked_fill(~mask, 0.0)
        }
        boolean[] chosen = pickLargest(masked, k);
        double sum = 0;
        for (int e = 0; e < experts; e++) {
            sum += chosen[e] ? scores[e] : 0;
        }
        boolean norm = cfg.path("norm_topk_prob").asBoolean(true);
        double scaling = cfg.path("routed_scaling_factor").asDouble(2.5);
        double[] y = new double[h.length];
        for (int e = 0; e < experts; e++) {
            if (chosen[e]) {
                double weight = (norm ? scores[e] / (sum + 1e-20) : scores[e]) * scaling;
                double[] ye = swiGlu(p + "experts." + e + ".", h);
                for (int d = 0; d < y.length; d++) {
                    y[d] += weight * ye[d];
                }
            }
        }
        if (w.containsKey(p + "shared_experts.gate_proj.weight")) {
            double[] shared = swiGlu(p + "shared_experts.", h);
            for (int d = 0; d < y.length; d++) {
                y[d] += shared[d];
            }
        }
        return y;
    }

    /** torch.topk: the n largest, the lower index first among equals. */
    private static boolean[] pickLargest(double[] v, int n) {
        boolean[] chosen = new boolean[v.length];
        for (int c = 0; c < n; c++) {
            int best = -1;
            for (int i = 0; i < v.length; i++) {
                if (!chosen[i] && (best < 0 || v[i] > v[best])) {
                    best = i;
                }
            }
            chosen[best] = true;
        }
        return chosen;
    }

    private double[] swiGlu(String prefix, double[] x) {
        double[] gate = linear(prefix + "gate_proj", x);
        double[] up = linear(prefix + "up_proj", x);
        for (int i = 0; i < gate.length; i++) {
            gate[i] = ScalarOps.silu(gate[i]) * up[i];
        }
        return linear(prefix + "down_proj", gate);
    }

    /** W x, plus the adapter's correction when it adapts {@code module}. */
    private double[] linear(String module, double[] x) {
        double[] y = ScalarOps.matVec(w.get(module + ".weight"), x);
        if (lora != null) {
            lora.addTo(module, x, y);
        }
        return y;
    }

    private double[][] norm(double[][] x, String weightName) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = ScalarOps.rmsNorm(x[i], w.get(weightName).floats(), eps);
        }
        return out;
    }
}
