package ai.mint.engine;

import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;

import java.util.List;

/**
 * One policy's share of a multi-policy training step: its examples and the loss to apply to them. Checked here,
 * before it can join a step: a bad token id would otherwise fail the batched forward of every policy merged with it.
 */
public record PolicyBatch(TrainablePolicy policy, List<Datum> data, LossFunction loss, LossConfig config) {

    public PolicyBatch {
        if (data == null || data.isEmpty()) {
            throw new IllegalArgumentException("policy " + policy.policyId() + ": a batch needs at least one datum");
        }
        data = List.copyOf(data);
        int vocab = policy.vocabSize();
        for (int i = 0; i < data.size(); i++) {
            checkTokens(policy, i, "inputTokens", data.get(i).inputTokens(), vocab);
            checkTokens(policy, i, "targetTokens", data.get(i).targetTokens(), vocab);
        }
        if (loss.needsSamplingLogprobs()) {
            for (int i = 0; i < data.size(); i++) {
                if (data.get(i).samplingLogprobs() == null || data.get(i).advantages() == null) {
                    throw new IllegalArgumentException("policy " + policy.policyId() + ": datum " + i + " lacks the "
                            + "sampling log-probs or advantages that loss '" + loss.wireName() + "' needs");
                }
            }
        }
    }

    private static void checkTokens(TrainablePolicy policy, int datum, String field, int[] tokens, int vocab) {
        for (int pos = 0; pos < tokens.length; pos++) {
            if (tokens[pos] < 0 || tokens[pos] >= vocab) {
                throw new IllegalArgumentException("policy " + policy.policyId() + ": datum " + datum + " has token "
                        + tokens[pos] + " at " + field + "[" + pos + "], outside the base's vocabulary [0, " + vocab
                        + ")");
            }
        }
    }
}
