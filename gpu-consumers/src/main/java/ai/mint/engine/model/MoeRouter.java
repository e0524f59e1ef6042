package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Picks each token's experts and their mixing weights from router logits:
 * <ul>
 *   <li>Qwen2-MoE / Mixtral: softmax over experts, the top-k, renormalised over the k when the config says so;</li>
 *   <li>DeepSeek-V3 ({@code noaux_tc}): sigmoid scores; the choice adds {@code e_score_correction_bias}, keeps the
 *       {@code topk_group} groups whose two best experts score highest (experts of other groups count as 0, as in
 *       transformers), and takes the top-k of what is left; the weights are the unbiased scores of the chosen
 *       experts, renormalised when {@code norm_topk_prob} and times {@code routed_scaling_factor}.</li>
 * </ul>
 * Exactly k experts per token even when scores tie (a threshold test would take every tied expert).
 */
final class MoeRouter {

    /** Each token's chosen experts [N, k] (int64) and their weights [N, k]. */
    record Routing(NDArray experts, NDArray weights) {
    }

    private final ModelConfig c;

    MoeRouter(ModelConfig c) {
        this.c = c;
    }

    /** {@code logits} [N, E] router logits; {@code bias} [E] DeepSeek's correction bias or null. */
    Routing route(NDArray logits, NDArray bias) {
        return c.isDeepseek() ? groupLimitedSigmoid(logits, bias) : softmaxTopK(logits);
    }

    private Routing softmaxTopK(NDArray logits) {
        NDArray probs = logits.softmax(-1);                                        // [N, E]
        NDArray experts = probs.topK(c.numExpertsPerTok(), -1).get(1);              // [N, k]
        NDArray weights = probs.gather(experts, -1);
        return new Routing(experts, c.normTopkProb() ? weights.div(weights.sum(new int[] {-1}, true)) : weights);
    }

    private Routing groupLimitedSigmoid(NDArray logits, NDArray bias) {
        DeepseekSpec.Router r = c.deepseek().router();
        long n = logits.getShape().get(0);
        int e = c.numExperts();
        NDArray scores = Activation.sigmoid(logits);                                // [N, E]
        NDArray choice = scores.stopGradient().add(bias).reshape(n, r.groups(), e / r.groups()); // [N, G, E/G]
        NDArray groupScores = choice.topK(2, -1).get(0).sum(new int[] {-1});       // [N, G]
        NDArray groups = groupScores.topK(r.topkGroups(), -1).get(1);               // [N, topk_group]
        NDArray keep = groups.oneHot(r.groups(), choice.getDataType()).sum(new int[] {-2}).expandDims(-1); // [N,G,1]
        NDArray experts = choice.mul(keep).reshape(n, e).topK(c.numExpertsPerTok(), -1).get(1);           // [N, k]
        NDArray weights = scores.gather(experts, -1);                               // [N, k]
        if (c.normTopkProb()) {
            weights = weights.div(weights.sum(new int[] {-1}, true).add(1e-20f));
        }
        // an array, not a Java float: autograd keeps the operand for backward (docs/DEVELOPING.md)
        return new Routing(experts, weights.mul(logits.getManager().create((float) r.scalingFactor())));
    }

    /** The routing as dense mixing weights [N, E], zero outside each token's chosen experts. */
    NDArray denseWeights(Routing routing) {
        NDArray oneHot = routing.experts().oneHot(c.numExperts(), routing.weights().getDataType()); // [N, k, E]
        return oneHot.mul(routing.weights().expandDims(-1)).sum(new int[] {-2});
    }
}
