package ai.mint.common.decode;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a caller keeps retrying a failure that is not the input's fault before it gives up on the current attempt
 * (and lets its framework retry from the last commit): exponential backoff from {@code initialBackoff}, capped at
 * {@code maxBackoff}, for at most {@code timeout} in all.
 *
 * @param initialBackoff pause after the first failure
 * @param maxBackoff     longest pause between two tries
 * @param timeout        total time to keep trying; zero tries once
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration timeout) {

    /** 100 ms doubling up to 5 s, for a minute: a registry restart (about 10 s) passes unnoticed. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5),
            Duration.ofSeconds(60));

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(timeout, "timeout");
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || timeout.isNegative()) {
            throw new IllegalArgumentException("retry durations must not be negative: " + this);
        }
    }

    /** Tries once, never waits (tests of the give-up path). */
    public static RetryPolicy once() {
        return new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /** The pause after the {@code failures}-th failure in a row (1-based). */
    public Duration backoff(int failures) {
        long millis = initialBackoff.toMillis();
        for (int i = 1; i < failures && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
