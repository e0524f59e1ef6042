package ai.mint.catalog.internal;

import java.util.Objects;

/**
 * Why a lifecycle event was refused. The kind becomes the dead letter's {@code error_class}, the reason its text.
 *
 * @param kind   which rule refused it
 * @param reason what exactly was wrong, naming the policy, revision and states involved
 */
public record Rejection(Kind kind, String reason) {

    /** The rules an event can break; stable names, since dead-letter consumers filter on them. */
    public enum Kind {
        UNKNOWN_POLICY,
        UNKNOWN_REVISION,
        INVALID_SPEC,
        ILLEGAL_TRANSITION,
        KEY_MISMATCH,
        /** A tenant's topic names a policy outside that tenant's namespace ({@code NAME.*}). */
        FOREIGN_POLICY,
        UNDESERIALIZABLE,
        PROCESSING_ERROR
    }

    public Rejection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }

    /** The value written as the dead letter's error_class. */
    public String errorClass() {
        return kind.name();
    }
}
