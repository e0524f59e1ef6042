package ai.mint.common.catalog;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a policy id may be: 1 to {@value #MAX_BYTES} bytes of UTF-8, no whitespace or control characters, and no
 * {@value CatalogKeys#SEPARATOR}, which separates a policy from a revision ({@code policy@revision}).
 */
public final class PolicyIds {

    /** Longest policy id, in UTF-8 bytes. */
    public static final int MAX_BYTES = 200;

    private PolicyIds() {
    }

    /** Why {@code id} is not a valid policy id, if it is not. */
    public static Optional<String> problem(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("policy_id is empty");
        }
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return Optional.of("policy_id is " + bytes + " bytes long, at most " + MAX_BYTES + " are allowed");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == CatalogKeys.SEPARATOR) {
                return Optional.of("policy_id '" + id + "' contains '" + CatalogKeys.SEPARATOR
                        + "', which separates a policy from a revision (policy@revision)");
            }
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return Optional.of("policy_id '" + id + "' contains whitespace or a control character at " + i);
            }
        }
        return Optional.empty();
    }
}
