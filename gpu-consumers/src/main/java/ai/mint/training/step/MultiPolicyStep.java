package ai.mint.training.step;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraKey;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.DecoderModel;
import ai.mint.training.grpo.PolicyLoss;
import ai.mint.training.grpo.TokenLossInputs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forward/backward over the rows of K policies at once: a {@link LoraBank} holds the K adapters in slots 1..K,
 * each row names its slot, and a {@link GradientCollector} records the batched forward. The loss is the sum of each
 * policy's token-mean loss ({@link PolicyLoss}), so the gradient in slot k is exactly policy k's own gradient; it is
 * sliced out, cropped to the policy's rank and added to that policy's accumulated gradient.
 *
 * <p>The rows are packed into micro-batches ({@link MicroBatchBudget}): each runs its own forward and backward in a
 * sub-manager that is closed right after its backward, so only one micro-batch's activations are alive at a time.
 * Row losses are scaled by their policy's step-wide token count, so the micro-batches' gradients, which PyTorch adds
 * up in the bank's gradient, sum to the full-batch gradient.
 *
 * <p>Lifetime rule (the cause of gradients of 1e9..1e14 seen earlier): on a CPU, DJL's {@code create(float[])}
 * wraps a Java direct buffer without copying ({@code torch::from_blob}), and that memory lives only as long as the
 * Java array object; closing its manager lets the garbage collector free it even where a native tensor (a view, or a
 * tensor autograd saved for backward) still points at it. So a micro-batch's manager is closed only after its
 * backward has run and released the graph, nothing created in it is kept, and the bank (the autograd leaves and
 * their gradients, all in libtorch-owned memory) lives in the step's manager until the gradients are copied out.
 */
public final class MultiPolicyStep {

    private MultiPolicyStep() {
    }

    /** Runs the step with {@link MicroBatchBudget#DEFAULT}; results come back in the order of {@code work}. */
    public static List<PolicyStepResult> forwardBackward(DecoderModel model, List<PolicyBatch> work) {
        return forwardBackward(model, work, MicroBatchBudget.DEFAULT);
    }

    /**
     * Runs the step in micro-batches of at most {@code budget}; results come back in the order of {@code work}.
     * Policies must be distinct.
     */
    public static List<PolicyStepResult> forwardBackward(DecoderModel model, List<PolicyBatch> work,
                                                         MicroBatchBudget budget) {
        if (work.isEmpty()) {
            return List.of();
        }
        if (work.stream().map(PolicyBatch::policy).distinct().count() != work.size()) {
            throw new IllegalArgumentException("a policy appears twice in one step; merge its data into one batch");
        }
        int k = work.size();
        boolean needBase = work.stream().anyMatch(pb -> pb.config().klBeta() > 0);
        TrainingRows batch = new TrainingRows(work);
        PolicyLoss.RowScales scales = PolicyLoss.RowScales.of(batch.rowWeightSums, batch.rowPolicy, k);
        float[] logprobs = new float[batch.rows * batch.length];
        double[] loss = new double[k];
        double[] kl = new double[k];
        List<LoraWeights> adapters = new ArrayList<>(k);
        for (PolicyBatch pb : work) {
            adapters.add(pb.policy().snapshot());
        }
        try (NDManager step = model.base().manager().newSubManager()) {
            LoraBank bank = LoraBank.of(step, model.config(), adapters);
            bank.setRequiresGradient(true);
            for (MicroBatch mb : MicroBatch.plan(batch.rowLength, budget)) {
                try (NDManager pass = step.newSubManager()) {
                    PolicyLoss.Result r = forwardAndBackward(model, work, batch, mb, bank, scales, pass, needBase,
                            logprobs);
                    addInto(loss, r.perPolicyLoss());
                    addInto(kl, r.perPolicyKl());
                } // the pass's backward has run: its graph, inputs and activations can go
            }
            distributeGradients(work, gradients(bank, step), bank.rank());
        }
        return results(work, batch, loss, needBase ? kl : null, scales.tokensPerPolicy(), logprobs);
    }

    private static PolicyLoss.Result forwardAndBackward(DecoderModel model, List<PolicyBatch> work, TrainingRows batch,
                                                        MicroBatch mb, LoraBank bank, PolicyLoss.RowScales scales,
                                                        NDManager m, boolean needBase, float[] logprobsOut) {
        TrainingRows.Rows rows = batch.rows(m, mb);
        NDArray baseLogprobs = null;
        if (needBase) { // the KL reference: same rows, adapter disabled, outside the collector (no gradient needed)
            baseLogprobs = DecoderModel.tokenLogProbs(model.forward(rows.tokens(), rows.positions(), null, null, null),
                    rows.targets());
        }
        int[] rowPolicy = Arrays.copyOfRange(batch.rowPolicy, mb.from(), mb.to());
        long[] slots = new long[rowPolicy.length];
        for (int r = 0; r < slots.length; r++) {
            slots[r] = rowPolicy[r] + 1L; // slot 0 is the bank's zero adapter
        }
        // step-wide token counts, this micro-batch's rows: the passes' losses add up to the full-batch token means
        PolicyLoss.RowScales passScales = new PolicyLoss.RowScales(scales.slice(mb.from(), mb.to()),
                scales.tokensPerPolicy());
        PolicyLoss.Result result;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.forward(rows.tokens(), rows.positions(), null, bank.bind(m.create(slots)), null);
            NDArray logprobs = DecoderModel.tokenLogProbs(logits, rows.targets()); // [rows, width]
            result = lossOf(work, rows, rowPolicy, logprobs, baseLogprobs, passScales);
            collector.backward(result.total()); // adds this pass's gradient to the bank's (PyTorch accumulates)
            batch.storeLogprobs(mb, logprobs.toFloatArray(), logprobsOut);
        }
        return result;
    }

    private static PolicyLoss.Result lossOf(List<PolicyBatch> work, TrainingRows.Rows rows, int[] rowPolicy,
                                            NDArray logprobs, NDArray baseLogprobs, PolicyLoss.RowScales scales) {
        // each policy may use its own loss function: per-token losses are computed per run of rows and re-joined
        NDList perToken = new NDList();
        NDList klPerToken = new NDList();
        for (int start = 0; start < rowPolicy.length; ) {
            int end = start;
            while (end < rowPolicy.length && rowPolicy[end] == rowPolicy[start]) {
                end++;
            }
            NDIndex range = new NDIndex(start + ":" + end);
            TokenLossInputs in = new TokenLossInputs(logprobs.get(range), rows.weights().get(range),
                    rows.samplingLogprobs().get(range), rows.advantages().get(range),
                    baseLogprobs == null ? null : baseLogprobs.get(range));
            PolicyBatch pb = work.get(rowPolicy[start]);
            perToken.add(PolicyLoss.perToken(pb.loss(), pb.config(), in));
            if (baseLogprobs != null) {
                klPerToken.add(PolicyLoss.klK3(in).mul(in.weights()));
            }
            start = end;
        }
        return PolicyLoss.reduceTokens(join(perToken), klPerToken.isEmpty() ? null : join(klPerToken), rowPolicy, scales);
    }

    /** NDArrays.concat of a single array returns a detached duplicate, which would cut the autograd graph. */
    private static NDArray join(NDList parts) {
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
    }

    /**
     * The bank's gradients (summed over all passes), as handles owned by the step's manager. Read only after the last
     * backward, and sliced per policy before the step's manager closes.
     */
    private static Map<String, NDArray> gradients(LoraBank bank, NDManager step) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        bank.parameters().forEach((name, parameter) -> {
            NDArray g = parameter.getGradient(); // a new handle each call
            g.attach(step);
            grads.put(name, g);
        });
        return grads;
    }

    private static void addInto(double[] sum, double[] part) {
        if (part != null) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += part[i];
            }
        }
    }

    private static void distributeGradients(List<PolicyBatch> work, Map<String, NDArray> grads, int bankRank) {
        for (int k = 0; k < work.size(); k++) {
            PolicyState policy = work.get(k).policy();
            int r = policy.rank();
            for (LoraKey key : policy.factors().keySet()) {
                String a = PolicyState.paramName(key, "A");
                String b = PolicyState.paramName(key, "B");
                NDArray ga = grads.get(a).get(new NDIndex("{}", k + 1)); // [in, R] or [E, in, R]
                NDArray gb = grads.get(b).get(new NDIndex("{}", k + 1)); // [R, out] or [E, R, out]
                if (bankRank > r) { // zero-padded rank columns/rows are not the policy's
                    ga = ga.get(new NDIndex("..., :" + r));
                    gb = key.expert() ? gb.get(new NDIndex(":, :" + r + ", :")) : gb.get(new NDIndex(":" + r + ", :"));
                }
                policy.accumulateGradient(a, ga);
                policy.accumulateGradient(b, gb);
            }
        }
    }

    private static List<PolicyStepResult> results(List<PolicyBatch> work, TrainingRows batch, double[] loss, double[] kl,
                                                  double[] tokens, float[] flat) {
        List<PolicyStepResult> out = new ArrayList<>(work.size());
        for (int k = 0; k < work.size(); k++) {
            int first = batch.policyFirstRow[k];
            int n = batch.policyFirstRow[k + 1] - first;
            float[][] rowLogprobs = new float[n][];
            for (int i = 0; i < n; i++) {
                int row = first + i;
                rowLogprobs[i] = Arrays.copyOfRange(flat, row * batch.length, row * batch.length + batch.rowLength[row]);
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("tokens", tokens[k]);
            if (kl != null && work.get(k).config().klBeta() > 0) {
                metrics.put("kl", kl[k]);
            }
            out.add(new PolicyStepResult(work.get(k).policy().policyId(), loss[k], metrics, rowLogprobs));
        }
        return out;
    }
}
