package ai.mint.api;

/**
 * A saved checkpoint: its {@code mint://} address, whether it holds the optimizer state (save_state) or only the
 * adapter (for sampling), its size and the sha-256 of its adapter weights file.
 */
public record SavedCheckpoint(String uri, Kind kind, long bytes, String sha256) {

    /** What a checkpoint holds. */
    public enum Kind { TRAINING_STATE, SAMPLER_WEIGHTS }
}
