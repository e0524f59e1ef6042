package ai.mint.worker;

import ai.mint.api.ForwardBackwardOutput;
import ai.mint.events.PolicySpec;
import ai.mint.events.TrainingReply;
import ai.mint.serde.AvroSerdes;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;
import ai.mint.worker.store.AdapterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The policies this worker trains through the training API, each at a numbered <em>state version</em>: 0 is the
 * policy's initial adapter (from its spec's LoRA shape and seed), and every call that changes the state (optim_step,
 * load_state) makes the next version and saves it to the store as {@code mint://POLICY/state/head-NNNNNNNNNNNN},
 * with the reply of that call. Calls name the version they expect, so any worker that takes a policy's partition
 * continues from exactly that state; a version other than the latest saved one is refused (forks are impossible),
 * except that the call which produced the latest version gets its saved reply again (a redelivery).
 *
 * <p>Gradients accumulated by forward_backward live only here, in memory, with the ids of the calls that made them,
 * until the optim_step that names those ids; a worker that took over the policy in between has none of them, so that
 * step is refused as retriable and the client sends the calls again. Policies beyond a resident limit are closed,
 * least recently used first, except those holding gradients. Used from one thread (the worker's training loop).
 */
final class TrainingSessions implements AutoCloseable {

    /** Name prefix of the saved versions; callers cannot save checkpoints under it. */
    static final String HEAD_PREFIX = "head-";
    /** The reply of the call that produced a saved version, beside its training state. */
    static final String HEAD_REPLY = "head-reply.avro";
    /** Saved versions kept per policy: the latest and the one before it. */
    static final int KEPT_HEADS = 2;
    /** Policies kept in memory by default; more are reloaded from their saved versions when called. */
    static final int DEFAULT_MAX_RESIDENT = 64;

    /** One policy's live state on this worker. */
    static final class Session {
        final String policyId;
        final PolicySpec spec;
        final Policy policy;
        long version;
        /** Ids of the forward_backward calls whose gradients are accumulated, with what each answered. */
        final Map<String, ForwardBackwardOutput> gradients = new LinkedHashMap<>();
        /** The reply of the call that produced {@link #version}; null at version 0. */
        TrainingReply producedBy;

        Session(PolicySpec spec, Policy policy, long version, TrainingReply producedBy) {
            this.policyId = spec.getPolicyId();
            this.spec = spec;
            this.policy = policy;
            this.version = version;
            this.producedBy = producedBy;
        }
    }

    private final WorkContext ctx;
    private final int maxResident;
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true); // access order: LRU first

    TrainingSessions(WorkContext ctx, int maxResident) {
        this.ctx = ctx;
        this.maxResident = maxResident;
    }

    private TrainingService training() {
        return ctx.runtime().training();
    }

    private AdapterStore store() {
        return ctx.runtime().store();
    }

    static String headName(long version) {
        return HEAD_PREFIX + String.format(Locale.ROOT, "%012d", version);
    }

    /**
     * The policy's state at exactly {@code version}: the one in memory, or the saved one loaded (or the initial
     * adapter for version 0). Refuses a version that is not the policy's latest.
     */
    Session at(String policyId, long version) {
        Session s = sessions.get(policyId);
        if (s != null && s.version == version) {
            return s;
        }
        long latest = latestVersion(policyId);
        if (version != latest) {
            throw new RejectedWorkException("policy '" + policyId + "': the call expects state version " + version
                    + ", but the latest saved state is version " + latest + (version < latest
                    ? " (a reply was lost, or another client trains this policy): continue from version " + latest
                    : " (no such version was saved)"));
        }
        PolicySpec spec = ctx.policy(policyId).getSpec();
        if (spec.getTraining() != null) { // two trainers of one adapter would fork its revisions
            throw new RejectedWorkException("policy '" + policyId + "' is trained by its lifecycle loop (its spec has "
                    + "a training section); the training API trains policies created without one");
        }
        Policy fresh = ModelRuntime.join(training().createPolicy(policyId,
                PolicyTrainers.initialWeights(ctx.runtime().config(), spec), PolicyTrainers.seed(spec),
                LrSchedule.CONSTANT));
        TrainingReply producedBy = null;
        if (version > 0) {
            try {
                Path dir = store().open(store().uriOf(policyId, "state", headName(version)), null);
                ModelRuntime.join(training().loadState(fresh, dir, true));
                producedBy = readReply(dir);
            } catch (RuntimeException e) {
                training().closePolicy(fresh);
                throw e;
            }
        }
        Session loaded = new Session(spec, fresh, version, producedBy);
        Session old = sessions.put(policyId, loaded);
        if (old != null) {
            training().closePolicy(old.policy);
        }
        evictBeyondLimit(loaded);
        return loaded;
    }

    /**
     * The saved reply when {@code correlationId} is the call that produced the state after {@code version} (the call
     * came again: a redelivery or a client's retry of a call whose reply it did not see).
     */
    Optional<TrainingReply> replayOf(String policyId, long version, String correlationId) {
        Session s = sessions.get(policyId);
        TrainingReply reply;
        if (s != null && s.version == version + 1) {
            reply = s.producedBy;
        } else {
            String uri = store().uriOf(policyId, "state", headName(version + 1));
            reply = store().contains(uri) ? readReply(store().open(uri, null)) : null;
        }
        return reply != null && reply.getCorrelationId().equals(correlationId) ? Optional.of(reply) : Optional.empty();
    }

    /**
     * Makes the session's next version: saves its state with {@code reply} (whose state_version is that version) and
     * keeps the two newest saved versions. When saving fails the session is closed, so that the next call starts
     * again from the saved version it names.
     */
    void advance(Session s, TrainingReply reply) {
        long next = s.version + 1;
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("mint-head-");
            ModelRuntime.join(training().saveState(s.policy, tmp));
            Files.write(tmp.resolve(HEAD_REPLY), AvroSerdes.plainBinary(reply));
            store().put(s.policyId, "state", headName(next), tmp);
        } catch (IOException | RuntimeException e) {
            close(s);
            throw e instanceof IOException io ? new UncheckedIOException("cannot save state of " + s.policyId, io)
                    : (RuntimeException) e;
        } finally {
            PolicyTrainers.deleteTree(tmp);
        }
        s.version = next;
        s.producedBy = reply;
        s.gradients.clear();
        List<String> heads = heads(s.policyId);
        for (int i = 0; i < heads.size() - KEPT_HEADS; i++) {
            store().delete(store().uriOf(s.policyId, "state", heads.get(i)));
        }
    }

    /** Drops the gradients the session accumulated (an optim_step that could not use them). */
    void discardGradients(Session s) {
        s.gradients.clear();
        ModelRuntime.join(training().discardGradients(s.policy));
    }

    /** Forgets the session (its device state is freed after the work queued so far). */
    void close(Session s) {
        if (sessions.remove(s.policyId, s)) {
            training().closePolicy(s.policy);
        }
    }

    /** The newest saved version of the policy, 0 when it has none. */
    long latestVersion(String policyId) {
        List<String> heads = heads(policyId);
        return heads.isEmpty() ? 0 : Long.parseLong(heads.get(heads.size() - 1).substring(HEAD_PREFIX.length()));
    }

    private List<String> heads(String policyId) {
        List<String> out = new ArrayList<>();
        for (String name : store().names(policyId, "state")) {
            if (name.startsWith(HEAD_PREFIX)) {
                out.add(name); // zero-padded: name order is version order
            }
        }
        return out;
    }

    private static TrainingReply readReply(Path dir) {
        try {
            return AvroSerdes.fromPlainBinary(Files.readAllBytes(dir.resolve(HEAD_REPLY)), TrainingReply.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(HEAD_REPLY), e);
        }
    }

    private void evictBeyondLimit(Session keep) {
        Iterator<Session> lru = sessions.values().iterator();
        while (sessions.size() > maxResident && lru.hasNext()) {
            Session s = lru.next();
            if (s != keep && s.gradients.isEmpty()) { // its state is saved; gradients are not
                lru.remove();
                training().closePolicy(s.policy);
            }
        }
    }

    /** Policies held in memory. */
    int resident() {
        return sessions.size();
    }

    @Override
    public void close() {
        sessions.values().forEach(s -> training().closePolicy(s.policy));
        sessions.clear();
    }
}
