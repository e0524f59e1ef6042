package ai.mint.worker;

import ai.mint.api.TrainingClient;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.events.PolicySpec;
import ai.mint.events.UpdateResult;
import ai.mint.serde.AvroSerdes;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.local.LocalServiceClient;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;
import ai.mint.common.store.AdapterStore;
import ai.mint.common.store.StoredArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trainer state of the policies this worker updates (LoRA factors and Adam moments on the device, revision and
 * random state), kept in the {@link TrainingService} for the policies whose updates keep arriving here and saved to the
 * {@link AdapterStore} after every step as {@code mint://POLICY/state/REVISION}, together with the update's result.
 * Steps go through the training API: each state has an in-process {@link TrainingClient} of {@link #api()}, so the
 * lifecycle's update is one more client of the API the Kafka and in-process clients offer. A
 * worker that takes over a policy (its partition moved, or the previous owner died) continues from the saved state of
 * the request's base revision; a request whose result is already saved (redelivered after a restart) gets that result
 * again instead of a second step. A state whose step did not complete is {@link #discard discarded}, so the next
 * attempt starts again from the saved base revision and a step is applied exactly once. Used from one thread (the
 * worker's lifecycle loop).
 */
public final class PolicyTrainers implements AutoCloseable {

    static final String RESULT_FILE = "update-result.avro";
    private static final Set<Projection> DEFAULT_TARGETS = EnumSet.of(Projection.Q, Projection.V);
    /**
     * Where the API would keep checkpoints saved by name; the update role never saves any (its trainer states go to
     * the adapter store), so nothing is written here.
     */
    private static final Path UNUSED_CHECKPOINT_ROOT = Path.of(System.getProperty("java.io.tmpdir"),
            "mint-worker-api-checkpoints");

    private final AdapterStore store;
    private final ModelRuntime runtime;
    private final LocalServiceClient api;
    private final Map<String, Loaded> loaded = new HashMap<>();

    private record Loaded(String revision, Policy state, TrainingClient client) {
    }

    public PolicyTrainers(AdapterStore store, ModelRuntime runtime) {
        this.store = store;
        this.runtime = runtime;
        this.api = new LocalServiceClient(runtime.baseModel(), runtime.training(), UNUSED_CHECKPOINT_ROOT);
    }

    /** The in-process training API the policies' clients belong to ({@link LocalServiceClient#together}). */
    public LocalServiceClient api() {
        return api;
    }

    /** The saved result of the update that produced {@code revision}, if that update already ran. */
    public Optional<UpdateResult> savedResult(String policyId, String revision) {
        String uri = store.uriOf(policyId, "state", revision);
        if (!store.contains(uri)) {
            return Optional.empty();
        }
        Path file = store.open(uri, null).resolve(RESULT_FILE);
        try {
            return Optional.of(AvroSerdes.fromPlainBinary(Files.readAllBytes(file), UpdateResult.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read saved update result " + file, e);
        }
    }

    /**
     * The training client of the policy's state at {@code baseRevision}: in memory if this worker produced it last,
     * else loaded from the store (weights, Adam moments, RNG), else a fresh adapter when the base revision is the base
     * model.
     */
    public TrainingClient clientAt(PolicySpec spec, String baseRevision) {
        return loadedAt(spec, baseRevision).client();
    }

    private Loaded loadedAt(PolicySpec spec, String baseRevision) {
        String policy = spec.getPolicyId();
        Loaded current = loaded.get(policy);
        if (current != null && current.revision().equals(baseRevision)) {
            return current;
        }
        boolean fromBase = runtime.isBaseRevision(baseRevision);
        String uri = fromBase ? null : store.uriOf(policy, "state", baseRevision);
        if (!fromBase && !store.contains(uri)) {
            throw new RejectedWorkException("policy '" + policy + "': no saved trainer state for base revision '"
                    + baseRevision + "' (" + uri + ")");
        }
        TrainingService training = runtime.training();
        Policy fresh = ModelRuntime.join(training.createPolicy(policy, initialWeights(spec), seed(spec),
                LrSchedule.CONSTANT));
        if (!fromBase) {
            try {
                ModelRuntime.join(training.loadState(fresh, store.open(uri, null), true));
            } catch (RuntimeException e) {
                training.closePolicy(fresh);
                throw e;
            }
        }
        Loaded next = new Loaded(baseRevision, fresh, api.trainingClientOf(fresh));
        replace(policy, next);
        return next;
    }

    /**
     * Saves the state {@code client} stepped as {@code newRevision}, with its result, and remembers it as current.
     * The client must be the one {@link #clientAt} gave for the policy's current state.
     */
    public StoredArtifact save(TrainingClient client, String newRevision, UpdateResult result) {
        Loaded current = loaded.get(client.policyId());
        if (current == null || current.client() != client) {
            throw new IllegalStateException("policy '" + client.policyId() + "': the client to save is not the one "
                    + "of its current trainer state (discarded or replaced since)");
        }
        Policy state = current.state();
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("mint-state-");
            ModelRuntime.join(runtime.training().saveState(state, tmp));
            Files.write(tmp.resolve(RESULT_FILE), AvroSerdes.plainBinary(result));
            StoredArtifact stored = store.put(state.policyId(), "state", newRevision, tmp);
            loaded.put(state.policyId(), new Loaded(newRevision, state, client));
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save trainer state of " + state.policyId(), e);
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * Forgets the policy's state in memory (its step failed part-way, so its weights or Adam state may be ahead of
     * the revision it is filed under): the next request loads the saved state of its base revision again.
     */
    public void discard(String policyId) {
        Loaded old = loaded.remove(policyId);
        if (old != null) {
            runtime.training().closePolicy(old.state());
        }
    }

    /** Writes the adapter of {@code revision} (from memory if current, else from its saved state) in PEFT layout. */
    public int exportAt(PolicySpec spec, String revision, Path dir) {
        Policy state = loadedAt(spec, revision).state();
        ModelRuntime.join(runtime.training().exportPeft(state, dir));
        return state.rank();
    }

    private void replace(String policy, Loaded next) {
        Loaded old = loaded.put(policy, next);
        if (old != null && old.state() != next.state()) {
            runtime.training().closePolicy(old.state());
        }
    }

    LoraWeights initialWeights(PolicySpec spec) {
        return initialWeights(runtime.config(), spec);
    }

    /** A policy's adapter before its first step: PEFT's initialisation from the spec's shape and seed. */
    static LoraWeights initialWeights(ModelConfig config, PolicySpec spec) {
        Set<Projection> targets = targets(spec.getLora().getTargetModules());
        return LoraWeights.random(config, targets, spec.getLora().getRank(), (float) spec.getLora().getAlpha(),
                seed(spec), false);
    }

    static Set<Projection> targets(List<String> names) {
        if (names.isEmpty()) {
            return DEFAULT_TARGETS;
        }
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        for (String name : names) {
            try {
                targets.add(Projection.fromPeftName(name));
            } catch (RuntimeException e) {
                throw new RejectedWorkException("unknown LoRA target module '" + name + "': " + e.getMessage(), e);
            }
        }
        return targets;
    }

    /** The seed of the policy's initial adapter and random stream: the LoRA's, the training's, or the id's. */
    static long seed(PolicySpec spec) {
        if (spec.getLora().getSeed() != null) {
            return spec.getLora().getSeed();
        }
        return spec.getTraining() != null ? spec.getTraining().getSeed() : spec.getPolicyId().hashCode();
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    /** Frees every policy's device state (after the work queued so far). */
    @Override
    public void close() {
        loaded.values().forEach(l -> runtime.training().closePolicy(l.state()));
        loaded.clear();
    }
}
