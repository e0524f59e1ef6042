package ai.mint.api;

import java.time.Instant;

/**
 * A saved checkpoint: its {@code mint://POLICY/state|sampler/NAME} address, whether it holds the optimizer state
 * (save_state) or only the adapter (for sampling), the size and sha-256 of its weights file, when it was saved and
 * when its time to live ends (null: never).
 */
public record SavedCheckpoint(String uri, Kind kind, long bytes, String sha256, Instant createdAt, Instant expiresAt) {

    /** What a checkpoint holds. */
    public enum Kind {
        TRAINING_STATE("state"), SAMPLER_WEIGHTS("sampler");

        private final String pathName;

        Kind(String pathName) {
            this.pathName = pathName;
        }

        /** The kind's segment of a checkpoint address: {@code state} or {@code sampler}. */
        public String pathName() {
            return pathName;
        }

        /** The kind named by an address segment. */
        public static Kind ofPathName(String name) {
            for (Kind k : values()) {
                if (k.pathName.equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("checkpoint kind must be 'state' or 'sampler', got '" + name + "'");
        }
    }
}
