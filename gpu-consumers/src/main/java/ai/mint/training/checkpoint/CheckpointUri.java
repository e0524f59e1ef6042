package ai.mint.training.checkpoint;

import ai.mint.training.TrainingException;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A checkpoint address, {@code mint://POLICY/KIND/NAME}, where KIND is {@code state} (adapter + optimizer, for
 * resuming) or {@code sampler} (adapter only, for sampling and serving). Names are restricted to a safe alphabet so
 * that an address can never escape the checkpoint directory.
 */
public record CheckpointUri(String policyId, String kind, String name) {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String SCHEME = "mint://";

    public CheckpointUri {
        check("policy id", policyId);
        if (!kind.equals("state") && !kind.equals("sampler")) {
            throw new TrainingException("checkpoint kind must be 'state' or 'sampler', got '" + kind + "'");
        }
        check("checkpoint name", name);
    }

    private static void check(String what, String value) {
        if (value == null || !SAFE.matcher(value).matches() || value.contains("..")) {
            throw new TrainingException(what + " '" + value + "' must match " + SAFE.pattern() + " without '..'");
        }
    }

    /** Names the worker keeps for the policy's own resumable heads ({@code head-000007}); callers cannot use them. */
    public static final String RESERVED_PREFIX = "head-";

    /** A checkpoint a caller names: refuses the names reserved for the worker's own state heads. */
    public static CheckpointUri named(String policyId, String kind, String name) {
        if (name != null && name.startsWith(RESERVED_PREFIX)) {
            throw new TrainingException("checkpoint name '" + name + "' is reserved (names starting with '"
                    + RESERVED_PREFIX + "' hold the worker's own state heads); choose another name");
        }
        return new CheckpointUri(policyId, kind, name);
    }

    public static CheckpointUri parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new TrainingException("checkpoint address '" + uri + "' must look like mint://POLICY/state|sampler/NAME");
        }
        String[] parts = uri.substring(SCHEME.length()).split("/", -1);
        if (parts.length != 3) {
            throw new TrainingException("checkpoint address '" + uri + "' must look like mint://POLICY/state|sampler/NAME");
        }
        return new CheckpointUri(parts[0], parts[1], parts[2]);
    }

    public Path directoryUnder(Path root) {
        return root.resolve(policyId).resolve(kind).resolve(name);
    }

    @Override
    public String toString() {
        return SCHEME + policyId + "/" + kind + "/" + name;
    }
}
