package ai.mint.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.PolicyStepResult;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.model.DecoderModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forward/backward over the rows of K policies at once. Each micro-batch (see {@link MicroBatchBudget}) stacks
 * the factors of the policies it holds rows of into a {@link LoraBank} inside its gradient collector, so the stacking
 * is recorded and each policy's gradient flows back into its own factors ({@code .grad} of its {@link DeviceAdapter}
 * arrays, device-side; nothing is copied to the host). The loss is the sum of each policy's token-mean loss
 * ({@link PolicyLoss}), so the gradient of policy k is exactly its own gradient, as if it had been trained alone.
 * Row losses are scaled by their policy's step-wide token count, so the micro-batches' gradients, which PyTorch adds
 * up on the factors, sum to the full-batch gradient. After the last backward each policy adds its step gradient to
 * its accumulated one; a step that fails leaves every policy's accumulated gradient as it was.
 *
 * <p>Lifetime rule (the cause of gradients of 1e9..1e14 seen earlier): on a CPU, DJL's {@code create(float[])}
 * wraps a Java direct buffer without copying ({@code torch::from_blob}), and that memory lives only as long as the
 * Java array object; closing its manager lets the garbage collector free it even where a native tensor (a view, or a
 * tensor autograd saved for backward) still points at it. So a micro-batch's manager, which holds its inputs and its
 * bank, is closed only after its backward has run and released the graph.
 */
final class MultiPolicyStep {

    private MultiPolicyStep() {
    }

    /**
     * Runs the step; results come back in the order of {@code work}. Policies must be distinct. {@code betweenPasses}
     * runs after each micro-batch but the last, with no gradient collector open (other model work may run there: it
     * sees the policies' factors unchanged, as an optimizer step has not run yet).
     */
    static List<PolicyStepResult> forwardBackward(DecoderModel model, List<PolicyBatch> work, List<DevicePolicy> policies,
                                                  MicroBatchBudget budget, Runnable betweenPasses) {
        return run(model, work, policies, budget, true, betweenPasses);
    }

    /**
     * The same passes without a gradient: each policy's loss and log-probs on its current weights (Tinker's
     * forward). Nothing is recorded for autograd and no policy's gradients change.
     */
    static List<PolicyStepResult> forward(DecoderModel model, List<PolicyBatch> work, List<DevicePolicy> policies,
                                          MicroBatchBudget budget) {
        return run(model, work, policies, budget, false, () -> { });
    }

    private static List<PolicyStepResult> run(DecoderModel model, List<PolicyBatch> work, List<DevicePolicy> policies,
                                              MicroBatchBudget budget, boolean backward, Runnable betweenPasses) {
        if (work.isEmpty()) {
            return List.of();
        }
        if (policies.stream().distinct().count() != policies.size()) {
            throw new IllegalArgumentException("a policy appears twice in one step; merge its data into one batch");
        }
        int k = work.size();
        boolean needBase = work.stream().anyMatch(pb -> pb.config().klBeta() > 0);
        TrainingRows batch = new TrainingRows(work);
        PolicyLoss.RowScales scales = PolicyLoss.RowScales.of(batch.rowWeightSums, batch.rowPolicy, k);
        float[] logprobs = new float[batch.rows * batch.length];
        double[] loss = new double[k];
        double[] kl = new double[k];
        boolean done = false;
        if (backward) {
            policies.forEach(p -> p.factors().setTrainable(true));
        }
        try (NDManager step = model.base().manager().newSubManager()) {
            List<MicroBatch> passes = MicroBatch.plan(batch.rowLength, budget);
            for (int i = 0; i < passes.size(); i++) {
                try (NDManager pass = step.newSubManager()) {
                    PolicyLoss.Result r = forwardAndBackward(model, work, policies, batch, passes.get(i), scales, pass,
                            needBase, logprobs, backward);
                    addInto(loss, r.perPolicyLoss());
                    addInto(kl, r.perPolicyKl());
                } // the pass's backward has run: its graph, inputs, bank and activations can go
                if (i + 1 < passes.size()) {
                    betweenPasses.run();
                }
            }
            if (backward) {
                policies.forEach(DevicePolicy::collectStepGradients);
            }
            done = true;
        } finally {
            if (backward) {
                for (DevicePolicy p : policies) {
                    if (!done) {
                        p.zeroStepGradients();
                    }
                    p.factors().setTrainable(false);
                }
            }
        }
        return results(work, batch, loss, needBase ? kl : null, scales.tokensPerPolicy(), logprobs);
    }

    private static PolicyLoss.Result forwardAndBackward(DecoderModel model, List<PolicyBatch> work,
                                                        List<DevicePolicy> policies, TrainingRows batch, MicroBatch mb,
                                                        PolicyLoss.RowScales scales, NDManager m, boolean needBase,
                                                        float[] logprobsOut, boolean backward) {
        TrainingRows.Rows rows = batch.rows(m, mb);
        NDArray baseLogprobs = null;
        if (needBase) { // the KL reference: same rows, adapter disabled, outside the collector (no gradient needed)
            baseLogprobs = DecoderModel.tokenLogProbs(model.forward(rows.tokens(), rows.positions(), null, null, null),
                    rows.targets());
        }
        int[] rowPolicy = Arrays.copyOfRange(batch.rowPolicy, mb.from(), mb.to());
        // only the policies with rows here go into this pass's bank: slot i+1 holds the i-th of them
        List<DeviceAdapter> present = new ArrayList<>();
        List<Integer> presentPolicy = new ArrayList<>();
        long[] slots = new long[rowPolicy.length];
        for (int r = 0; r < rowPolicy.length; r++) {
            int slot = presentPolicy.indexOf(rowPolicy[r]);
            if (slot < 0) {
                slot = presentPolicy.size();
                presentPolicy.add(rowPolicy[r]);
                present.add(policies.get(rowPolicy[r]).factors());
            }
            slots[r] = slot + 1L; // slot 0 is the bank's zero adapter
        }
        // step-wide token counts, this micro-batch's rows: the passes' losses add up to the full-batch token means
        PolicyLoss.RowScales passScales = new PolicyLoss.RowScales(scales.slice(mb.from(), mb.to()),
                scales.tokensPerPolicy());
        if (!backward) {
            LoraBank bank = LoraBank.stack(m, model.config(), present);
            NDArray logits = model.forward(rows.tokens(), rows.positions(), null, bank.bind(m.create(slots)), null);
            NDArray logprobs = DecoderModel.tokenLogProbs(logits, rows.targets()); // [rows, width]
            batch.storeLogprobs(mb, logprobs.toFloatArray(), logprobsOut);
            return lossOf(work, rows, rowPolicy, logprobs, baseLogprobs, passScales);
        }
        PolicyLoss.Result result;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // stacked under the collector: the stack and padding are recorded, so gradients reach each policy's factors
            LoraBank bank = LoraBank.stack(m, model.config(), present);
            NDArray logits = model.forward(rows.tokens(), rows.positions(), null, bank.bind(m.create(slots)), null);
            NDArray logprobs = DecoderModel.tokenLogProbs(logits, rows.targets()); // [rows, width]
            result = lossOf(work, rows, rowPolicy, logprobs, baseLogprobs, passScales);
            collector.backward(result.total()); // adds this pass's gradient to the factors' (PyTorch accumulates)
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
        return PolicyLoss.reduceTokens(join(perToken), klPerToken.isEmpty() ? null : join(klPerToken), rowPolicy,
                scales);
    }

    /** NDArrays.concat of a single array returns a detached duplicate, which would cut the autograd graph. */
    private static NDArray join(NDList parts) {
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
    }

    private static void addInto(double[] sum, double[] part) {
        if (part != null) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += part[i];
            }
        }
    }

    private static List<PolicyStepResult> results(List<PolicyBatch> work, TrainingRows batch, double[] loss,
                                                  double[] kl, double[] tokens, float[] flat) {
        List<PolicyStepResult> out = new ArrayList<>(work.size());
        for (int k = 0; k < work.size(); k++) {
            int first = batch.policyFirstRow[k];
            int n = batch.policyFirstRow[k + 1] - first;
            float[][] rowLogprobs = new float[n][];
            for (int i = 0; i < n; i++) {
                int row = first + i;
                rowLogprobs[i] = Arrays.copyOfRange(flat, row * batch.length,
                        row * batch.length + batch.rowLength[row]);
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
