package ai.mint.training.grpo;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The loss functions a training step can apply, named as in Tinker's {@code forward_backward(data, loss_fn)}.
 * GRPO is PPO with group-relative advantages; the advantages are computed before the step, so the per-token loss is
 * the same as {@link #PPO}.
 */
public enum LossFunction {
    /** Supervised: minus the log-probability of each target token, times its weight. */
    CROSS_ENTROPY("cross_entropy"),
    /** Policy gradient with an importance weight against the sampling log-probs, unclipped. */
    IMPORTANCE_SAMPLING("importance_sampling"),
    /** PPO's clipped surrogate objective against the sampling log-probs. */
    PPO("ppo"),
    /** {@link #PPO} on group-relative advantages. */
    GRPO("grpo");

    private final String wireName;

    LossFunction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the loss needs the log-probs the samples were drawn with. */
    public boolean needsSamplingLogprobs() {
        return this != CROSS_ENTROPY;
    }

    /** Looks a loss up by its Tinker name, e.g. {@code "ppo"}. */
    public static LossFunction fromName(String name) {
        for (LossFunction f : values()) {
            if (f.wireName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown loss function '" + name + "'; expected one of "
                + Arrays.stream(values()).map(LossFunction::wireName).collect(Collectors.joining(", ")));
    }
}
