package ai.mint.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The loss functions a training step can apply, named as in Tinker's {@code forward_backward(data, loss_fn)}.
 * {@link #GRPO} is an alias of {@link #PPO}, not a loss of its own: GRPO is PPO on group-relative advantages, and
 * those are computed before the step, so the per-token loss is PPO's. It stays a constant because {@code "grpo"} is a
 * wire name (the default {@code loss_fn} of an update request); code that computes a loss uses {@link #canonical()}.
 */
public enum LossFunction {
    /** Supervised: minus the log-probability of each target token, times its weight. */
    CROSS_ENTROPY("cross_entropy"),
    /** Policy gradient with an importance weight against the sampling log-probs, unclipped. */
    IMPORTANCE_SAMPLING("importance_sampling"),
    /** PPO's clipped surrogate objective against the sampling log-probs. */
    PPO("ppo"),
    /**
     * CISPO: the log-prob of each token times its advantage, weighted by the importance ratio clipped to
     * {@code [1 - clipLow, 1 + clipHigh]} and held constant (no gradient flows through the weight), so that no token's
     * gradient is ever zeroed, only bounded.
     */
    CISPO("cispo"),
    /**
     * DRO: the log-prob of each token times its advantage, minus {@code droBeta / 2} times the squared log-ratio to
     * the sampling policy (a quadratic penalty that keeps an off-policy update near the data).
     */
    DRO("dro"),
    /** Alias of {@link #PPO}: the advantages it is given are group-relative, the loss is the same. */
    GRPO("grpo", PPO);

    private final String wireName;
    private final LossFunction aliasOf;

    LossFunction(String wireName) {
        this(wireName, null);
    }

    LossFunction(String wireName, LossFunction aliasOf) {
        this.wireName = wireName;
        this.aliasOf = aliasOf;
    }

    /** The loss this name stands for: itself, or for an alias such as {@link #GRPO} the loss it aliases. */
    public LossFunction canonical() {
        return aliasOf == null ? this : aliasOf;
    }

    /** Whether this name is an alias of another loss. */
    public boolean isAlias() {
        return aliasOf != null;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the loss needs the log-probs the samples were drawn with. */
    public boolean needsSamplingLogprobs() {
        return canonical() != CROSS_ENTROPY;
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
