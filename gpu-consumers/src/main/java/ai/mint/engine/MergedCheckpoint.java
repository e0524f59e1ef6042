package ai.mint.engine;

import java.nio.file.Path;

/**
 * A base with one adapter folded into its weights ({@code W + scale * A B}), held on the engine's device: the
 * merged-checkpoint handoff that MinT avoids, kept to measure what adapter-only handoff saves. Close it when done.
 */
public interface MergedCheckpoint extends AutoCloseable {

    /** Writes the merged checkpoint (Hugging Face layout) into {@code dir}; returns the weights file's bytes. */
    long write(Path dir);

    @Override
    void close();
}
