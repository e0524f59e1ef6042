package ai.mint.catalog;

import java.time.Duration;
import java.util.Objects;

/**
 * How the catalog retires revisions: it keeps the newest {@code keepLast} revisions of a policy, and every revision that
 * serves, ever served or passed eval (a rollback target); others are retired when they fall out of the newest ones or
 * their checkpoint's time to live ends. A retired revision's files may be removed {@code grace} after retirement.
 *
 * @param keepLast      newest revisions kept per policy (also the revisions a catalog entry carries)
 * @param grace         how long after retirement files must still stay
 * @param checkInterval how often time-to-live expiries are looked for
 */
public record RetentionSettings(int keepLast, Duration grace, Duration checkInterval) {

    public static final int DEFAULT_KEEP_LAST = 16;
    /** One day, in milliseconds (a compile-time constant, for command-line defaults). */
    public static final long DEFAULT_GRACE_MS = 86_400_000L;
    public static final Duration DEFAULT_GRACE = Duration.ofMillis(DEFAULT_GRACE_MS);
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMinutes(1);

    public RetentionSettings {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be >= 1, got " + keepLast);
        }
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (grace.isNegative() || checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("grace must be >= 0 and checkInterval > 0");
        }
    }

    public static RetentionSettings defaults() {
        return new RetentionSettings(DEFAULT_KEEP_LAST, DEFAULT_GRACE, DEFAULT_CHECK_INTERVAL);
    }
}
