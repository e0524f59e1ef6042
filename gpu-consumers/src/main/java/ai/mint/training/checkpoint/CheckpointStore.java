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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Where the in-process training API keeps its checkpoints, addressed by {@link CheckpointUri}: {@code state}
 * checkpoints hold everything needed to resume (the engine's training state: adapter, Adam, revision, random state);
 * {@code sampler} checkpoints hold the adapter alone in PEFT layout, ready for a rollout or serving engine to load.
 * Each carries its {@link CheckpointMetadata} (size, digest, time to live). The files are written on the training
 * service's thread, in order with the policy's other work; a checkpoint whose time to live has ended is neither
 * listed nor loaded, and is deleted when its policy's checkpoints are next listed or saved.
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

    /** save_state: adapter + Adam moments + step + revision + RNG, kept for {@code ttl} (null: no limit). */
    public CompletableFuture<SavedCheckpoint> saveState(Policy policy, String name, Duration ttl) {
        CheckpointUri uri = CheckpointUri.named(policy.policyId(), "state", name);
        Path dir = createDirectory(uri);
        return service.saveState(policy, dir).thenApply(file -> describe(uri, dir, file,
                PeftAdapterIo.sha256(file), ttl, policy.revision()));
    }

    /** load_state / load_state_with_optimizer from a {@code state} checkpoint of the same policy shape. */
    public CompletableFuture<Void> loadState(Policy policy, String uri, boolean withOptimizer) {
        CheckpointUri parsed = CheckpointUri.parse(uri);
        if (!parsed.kind().equals("state")) {
            throw new TrainingException(uri + " is a sampler export (adapter only); resuming needs a state checkpoint");
        }
        return service.loadState(policy, existing(parsed, STATE_FILE), withOptimizer);
    }

    /** save_weights_for_sampler: the adapter alone, PEFT layout, with the weights file's sha-256. */
    public CompletableFuture<SavedCheckpoint> exportForSampler(Policy policy, String name, Duration ttl) {
        CheckpointUri uri = CheckpointUri.named(policy.policyId(), "sampler", name);
        Path dir = createDirectory(uri);
        return service.exportPeft(policy, dir).thenApply(sha -> describe(uri, dir, dir.resolve(PeftAdapterIo.WEIGHTS),
                sha, ttl, policy.revision()));
    }

    /** The directory of a live checkpoint holding {@code file}; refuses one that is missing or expired. */
    public Path existing(CheckpointUri uri, String file) {
        Path dir = uri.directoryUnder(root);
        if (!Files.isRegularFile(dir.resolve(file))) {
            throw new TrainingException("no checkpoint at " + uri + " (looked in " + dir + ")");
        }
        CheckpointMetadata.read(dir).filter(m -> m.expired(Instant.now())).ifPresent(m -> {
            throw new TrainingException("checkpoint " + uri + " expired at " + m.expiresAt());
        });
        return dir;
    }

    /** The policy's live checkpoints, state ones first, by name; deletes those whose time to live has ended. */
    public List<SavedCheckpoint> list(String policyId) {
        return listUnder(root, policyId, Instant.now());
    }

    /** Deletes a checkpoint; refuses an address where nothing is stored. */
    public void delete(String uri) {
        deleteUnder(root, CheckpointUri.parse(uri));
    }

    /** The directory a checkpoint address points at (it may not exist). */
    public Path resolve(String uri) {
        return CheckpointUri.parse(uri).directoryUnder(root);
    }

    /**
     * The checkpoints with {@link CheckpointMetadata} of {@code policyId} under a store {@code root} laid out as
     * {@code ROOT/POLICY/KIND/NAME} (this store's and the worker's): live ones listed, expired ones deleted.
     */
    public static List<SavedCheckpoint> listUnder(Path root, String policyId, Instant now) {
        List<SavedCheckpoint> out = new ArrayList<>();
        for (String kind : List.of("state", "sampler")) {
            Path kindDir = new CheckpointUri(policyId, kind, "any").directoryUnder(root).getParent(); // checks the id
            if (!Files.isDirectory(kindDir)) {
                continue;
            }
            try (Stream<Path> dirs = Files.list(kindDir)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    var meta = CheckpointMetadata.read(dir);
                    if (meta.isEmpty()) {
                        continue; // not written by the API (e.g. the lifecycle's own revisions)
                    }
                    if (meta.get().expired(now)) {
                        deleteTree(dir);
                    } else {
                        out.add(meta.get().toSaved());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list checkpoints in " + kindDir, e);
            }
        }
        return out;
    }

    /** Deletes the checkpoint {@code uri} names under a store {@code root}; refuses one where nothing is stored. */
    public static void deleteUnder(Path root, CheckpointUri uri) {
        Path dir = uri.directoryUnder(root);
        if (!Files.isDirectory(dir)) {
            throw new TrainingException("no checkpoint at " + uri + " to delete");
        }
        deleteTree(dir);
    }

    private static SavedCheckpoint describe(CheckpointUri uri, Path dir, Path weights, String sha, Duration ttl,
                                            long version) {
        CheckpointMetadata meta = CheckpointMetadata.of(uri, size(weights), sha, Instant.now(), ttl, version);
        meta.write(dir);
        return meta.toSaved();
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

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
