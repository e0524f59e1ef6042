package ai.mint.training.checkpoint;

import ai.mint.api.SavedCheckpoint;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.training.TrainingException;
import ai.mint.training.step.PolicyState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a trainer keeps its checkpoints, addressed by {@link CheckpointUri}: {@code state} checkpoints hold
 * everything needed to resume ({@link TrainingStateFile}); {@code sampler} checkpoints hold the adapter alone in PEFT
 * layout, written by the engine's PEFT writer, ready for a rollout or serving engine to load.
 */
public final class CheckpointStore {

    private final Path root;

    public CheckpointStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** save_state: adapter + Adam moments + step + revision + RNG. */
    public SavedCheckpoint saveState(PolicyState policy, String name) {
        CheckpointUri uri = new CheckpointUri(policy.policyId(), "state", name);
        Path dir = createDirectory(uri);
        Path file = TrainingStateFile.write(policy, dir);
        return new SavedCheckpoint(uri.toString(), SavedCheckpoint.Kind.TRAINING_STATE, size(file),
                PeftAdapterIo.sha256(file));
    }

    /** load_state / load_state_with_optimizer from a {@code state} checkpoint of the same policy shape. */
    public void loadState(PolicyState policy, String uri, boolean withOptimizer) {
        CheckpointUri parsed = CheckpointUri.parse(uri);
        if (!parsed.kind().equals("state")) {
            throw new TrainingException(uri + " is a sampler export (adapter only); resuming needs a state checkpoint");
        }
        Path dir = parsed.directoryUnder(root);
        if (!Files.isRegularFile(dir.resolve(TrainingStateFile.FILE))) {
            throw new TrainingException("no training state at " + uri + " (looked in " + dir + ")");
        }
        TrainingStateFile.read(policy, dir, withOptimizer);
    }

    /** save_weights_for_sampler: the adapter alone, PEFT layout, with the weights file's sha-256. */
    public SavedCheckpoint exportForSampler(PolicyState policy, String name) {
        CheckpointUri uri = new CheckpointUri(policy.policyId(), "sampler", name);
        Path dir = createDirectory(uri);
        String sha = PeftAdapterIo.write(dir, policy.snapshot(), policy.config());
        return new SavedCheckpoint(uri.toString(), SavedCheckpoint.Kind.SAMPLER_WEIGHTS,
                size(dir.resolve(PeftAdapterIo.WEIGHTS)), sha);
    }

    /** The directory a checkpoint address points at (it may not exist). */
    public Path resolve(String uri) {
        return CheckpointUri.parse(uri).directoryUnder(root);
    }

    private Path createDirectory(CheckpointUri uri) {
        Path dir = uri.directoryUnder(root);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create checkpoint directory " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
