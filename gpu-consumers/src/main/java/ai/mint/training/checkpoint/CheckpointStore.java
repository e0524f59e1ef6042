package ai.mint.training.checkpoint;

import ai.mint.api.SavedCheckpoint;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.training.TrainingException;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Where the in-process training API keeps its checkpoints, addressed by {@link CheckpointUri}: {@code state}
 * checkpoints hold everything needed to resume (the engine's training state: adapter, Adam, revision, random state);
 * {@code sampler} checkpoints hold the adapter alone in PEFT layout, ready for a rollout or serving engine to load.
 * The files are written on the training service's thread, in order with the policy's other work.
 */
public final class CheckpointStore {

    /** The file of a state checkpoint, as the engine writes it. */
    public static final String STATE_FILE = "training_state.safetensors";

    private final Path root;
    private final TrainingService service;

    public CheckpointStore(Path root, TrainingService service) {
        this.root = root;
        this.service = service;
    }

    public Path root() {
        return root;
    }

    /** save_state: adapter + Adam moments + step + revision + RNG. */
    public CompletableFuture<SavedCheckpoint> saveState(Policy policy, String name) {
        CheckpointUri uri = new CheckpointUri(policy.policyId(), "state", name);
        Path dir = createDirectory(uri);
        return service.saveState(policy, dir).thenApply(file -> new SavedCheckpoint(uri.toString(),
                SavedCheckpoint.Kind.TRAINING_STATE, size(file), PeftAdapterIo.sha256(file)));
    }

    /** load_state / load_state_with_optimizer from a {@code state} checkpoint of the same policy shape. */
    public CompletableFuture<Void> loadState(Policy policy, String uri, boolean withOptimizer) {
        CheckpointUri parsed = CheckpointUri.parse(uri);
        if (!parsed.kind().equals("state")) {
            throw new TrainingException(uri + " is a sampler export (adapter only); resuming needs a state checkpoint");
        }
        Path dir = parsed.directoryUnder(root);
        if (!Files.isRegularFile(dir.resolve(STATE_FILE))) {
            throw new TrainingException("no training state at " + uri + " (looked in " + dir + ")");
        }
        return service.loadState(policy, dir, withOptimizer);
    }

    /** save_weights_for_sampler: the adapter alone, PEFT layout, with the weights file's sha-256. */
    public CompletableFuture<SavedCheckpoint> exportForSampler(Policy policy, String name) {
        CheckpointUri uri = new CheckpointUri(policy.policyId(), "sampler", name);
        Path dir = createDirectory(uri);
        return service.exportPeft(policy, dir).thenApply(sha -> new SavedCheckpoint(uri.toString(),
                SavedCheckpoint.Kind.SAMPLER_WEIGHTS, size(dir.resolve(PeftAdapterIo.WEIGHTS)), sha));
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
