package ai.mint.training.step;

import ai.mint.training.api.Datum;
import ai.mint.training.grpo.LossConfig;
import ai.mint.training.grpo.LossFunction;

import java.util.List;

/** One policy's share of a multi-policy step: its examples and the loss to apply to them. */
public record PolicyBatch(PolicyState policy, List<Datum> data, LossFunction loss, LossConfig config) {

    public PolicyBatch {
        if (data == null || data.isEmpty()) {
            throw new IllegalArgumentException("policy " + policy.policyId() + ": a batch needs at least one datum");
        }
        data = List.copyOf(data);
        if (loss.needsSamplingLogprobs()) {
            for (int i = 0; i < data.size(); i++) {
                if (data.get(i).samplingLogprobs() == null || data.get(i).advantages() == null) {
                    throw new IllegalArgumentException("policy " + policy.policyId() + ": datum " + i + " lacks the "
                            + "sampling log-probs or advantages that loss '" + loss.wireName() + "' needs");
                }
            }
        }
    }
}
