package ai.mint.worker;

import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.events.PolicySpec;
import ai.mint.events.UpdateResult;
import ai.mint.serde.AvroSerdes;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;
import ai.mint.worker.store.AdapterStore;
import ai.mint.worker.store.StoredArtifact;
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
 * {@link AdapterStore} after every step as {@code mint://POLICY/state/REVISION}, together with the update's result. A
 * worker that takes over a policy (its partition moved, or the previous owner died) continues from the saved state of
 * the request's base revision; a request whose result is already saved (redelivered after a restart) gets that result
 * again instead of a second step. A state whose step did not complete is {@link #discard discarded}, so the next
 * attempt starts again from the saved base revision and a step is applied exactly once. Used from one thread (the
 * worker's lifecycle loop).
 */
public final class PolicyTrainers implements AutoCloseable {

    static final String RESULT_FILE = "update-result.avro";
    private static final Set<Projection> DEFAULT_TARGETS = EnumSet.of(Projection.Q, Projection.V);

    private final AdapterStore store;
    private final ModelRuntime runtime;
    private final Map<String, Loaded> loaded = new HashMap<>();

    private record Loaded(String revision, Policy state) {
    }

    public PolicyTrainers(AdapterStore store, ModelRuntime runtime) {
        this.store = store;
        this.runtime = runtime;
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
     * The trainer state at {@code baseRevision}: in memory if this worker produced it last, else loaded from the store
     * (weights, Adam moments, RNG), else a fresh adapter when the base revision is the base model.
     */
    public Policy stateAt(PolicySpec spec, String baseRevision) {
        String policy = spec.getPolicyId();
        Loaded current = loaded.get(policy);
        if (current != null && current.revision().equals(baseRevision)) {
            return current.state();
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
        replace(policy, new Loaded(baseRevision, fresh));
        return fresh;
    }

    /** Saves the state after a step as {@code newRevision}, with its result, and remembers it as current. */
    public StoredArtifact save(Policy state, String newRevision, UpdateResult result) {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("mint-state-");
            ModelRuntime.join(runtime.training().saveState(state, tmp));
            Files.write(tmp.resolve(RESULT_FILE), AvroSerdes.plainBinary(result));
            StoredArtifact stored = store.put(state.policyId(), "state", newRevision, tmp);
            loaded.put(state.policyId(), new Loaded(newRevision, state));
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
        Policy state = stateAt(spec, revision);
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
