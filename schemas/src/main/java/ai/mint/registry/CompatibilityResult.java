package ai.mint.registry;

import java.util.List;

/**
 * The answer to a compatibility check.
 *
 * @param compatible whether the schema may be registered next
 * @param messages   why not (the registry's words); may be empty when compatible
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    public CompatibilityResult {
        messages = List.copyOf(messages);
    }

    /** A compatible result with no messages. */
    public static CompatibilityResult ok() {
        return new CompatibilityResult(true, List.of());
    }
}
