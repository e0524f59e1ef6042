package ai.mint.worker;

import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.OptimStepResult;
import ai.mint.api.SampleResponse;
import ai.mint.api.SavedCheckpoint;
import ai.mint.common.ids.EventIds;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.Projection;
import ai.mint.events.ForwardBackwardCall;
import ai.mint.events.ModelInfo;
import ai.mint.events.PolicySpec;
import ai.mint.events.SampleCall;
import ai.mint.events.TrainingReply;
import ai.mint.events.TrainingRequest;
import ai.mint.training.checkpoint.CheckpointMetadata;
import ai.mint.training.checkpoint.CheckpointUri;
import ai.mint.training.sampling.PromptSampling;
import ai.mint.training.service.TrainingBatch;
import ai.mint.training.service.TrainingService;
import ai.mint.worker.store.AdapterStore;
import ai.mint.worker.store.StoredArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Training role: runs the calls of the Tinker-shaped training API on the worker's {@link TrainingService}, so that
 * the calls of several policies taken together merge into one K-policy step or one generation batch. Each call runs
 * on the policy's state at the version it names ({@link TrainingSessions}); a state-changing call answers with the
 * next version. Sampler checkpoints are also recorded in the catalog (a revision named after the checkpoint, with its
 * time to live), so that serving and the catalog's retention know them.
 */
public final class TrainingCallHandler {

    private final WorkContext ctx;
    private final TrainingSessions sessions;
    private final ResultPublisher outputs;
    private final PromptSampling sampling;
    private final SamplerRevisions revisions;

    TrainingCallHandler(WorkContext ctx, TrainingSessions sessions, ResultPublisher outputs) {
        this.ctx = ctx;
        this.sessions = sessions;
        this.outputs = outputs;
        this.sampling = new PromptSampling(ctx.runtime().training());
        this.revisions = new SamplerRevisions(ctx);
    }

    /** How a call is run: merged with other policies' calls of the same kind, or one by one. */
    enum Kind { FORWARD_BACKWARD, FORWARD, SAMPLE, ONE_BY_ONE }

    static Kind kindOf(TrainingRequest q) {
        if (q.getForwardBackward() != null) {
            return q.getForwardBackward().getBackward() ? Kind.FORWARD_BACKWARD : Kind.FORWARD;
        }
        return q.getSample() != null ? Kind.SAMPLE : Kind.ONE_BY_ONE;
    }

    /**
     * forward_backward (or forward) calls of distinct policies as one K-policy pass; one element per call, its reply
     * or what refused it. A forward_backward that this worker already accumulated (a redelivery) is answered again
     * without adding its gradient twice.
     */
    List<Attempt> forwardBackwardAll(List<TrainingRequest> calls, boolean backward) {
        List<Attempt> out = new ArrayList<>(Collections.nCopies(calls.size(), null));
        List<TrainingBatch> batches = new ArrayList<>();
        List<TrainingSessions.Session> owners = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            TrainingRequest q = calls.get(i);
            try {
                TrainingSessions.Session s = sessions.at(q.getPolicyId(), q.getStateVersion());
                ForwardBackwardOutput done = backward ? s.gradients.get(q.getCorrelationId()) : null;
                if (done != null) {
                    out.set(i, Attempt.of(answer(q, reply(q, s.version)
                            .setForwardBackward(TrainingCallCodec.forwardBackward(done)).build())));
                    continue;
                }
                ForwardBackwardCall call = q.getForwardBackward();
                batches.add(new TrainingBatch(s.policy, TrainingCallCodec.data(call.getData()),
                        TrainingCallCodec.loss(call.getLossFn()), TrainingCallCodec.lossConfig(call.getLoss())));
                owners.add(s);
                positions.add(i);
            } catch (RuntimeException e) {
                out.set(i, Attempt.failed(e));
            }
        }
        TrainingService training = ctx.runtime().training();
        List<CompletableFuture<ForwardBackwardOutput>> results = backward ? training.forwardBackwardAll(batches)
                : training.forwardAll(batches);
        for (int k = 0; k < results.size(); k++) {
            TrainingRequest q = calls.get(positions.get(k));
            try {
                ForwardBackwardOutput result = ModelRuntime.join(results.get(k));
                if (backward) {
                    owners.get(k).gradients.put(q.getCorrelationId(), result);
                }
                out.set(positions.get(k), Attempt.of(answer(q, reply(q, owners.get(k).version)
                        .setForwardBackward(TrainingCallCodec.forwardBackward(result)).build())));
            } catch (RuntimeException e) {
                out.set(positions.get(k), Attempt.failed(e));
            }
        }
        return out;
    }

    /** sample calls as one generation batch; one element per call. */
    List<Attempt> sampleAll(List<TrainingRequest> calls) {
        List<Attempt> out = new ArrayList<>(Collections.nCopies(calls.size(), null));
        List<PromptSampling.Call> planned = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            TrainingRequest q = calls.get(i);
            try {
                SampleCall call = q.getSample();
                var params = TrainingCallCodec.sampling(call.getSampling(), ctx.limits().maxTokens());
                if (call.getNumSamples() < 1 || call.getNumSamples() > ctx.limits().maxSamples()) {
                    throw new RejectedWorkException("num_samples " + call.getNumSamples() + " is out of range 1.."
                            + ctx.limits().maxSamples());
                }
                int[] prompt = sampling.prompt(call.getPromptTokens() == null ? null
                        : TrainingCallCodec.ints(call.getPromptTokens()), call.getPromptText());
                if (call.getAdapterUri() != null) {
                    CheckpointUri uri = CheckpointUri.parse(call.getAdapterUri());
                    String adapter = ctx.runtime().adapterFor(uri.policyId(), uri.name(), uri.toString(), null);
                    planned.add(new PromptSampling.Call(null, adapter, prompt, call.getNumSamples(), params));
                    versions.add(q.getStateVersion());
                } else {
                    TrainingSessions.Session s = sessions.at(q.getPolicyId(), q.getStateVersion());
                    planned.add(new PromptSampling.Call(s.policy, s.policy.adapterId(), prompt, call.getNumSamples(),
                            params));
                    versions.add(s.version);
                }
                positions.add(i);
            } catch (RuntimeException e) {
                out.set(i, Attempt.failed(e));
            }
        }
        List<CompletableFuture<SampleResponse>> sampled = sampling.sampleAll(planned);
        for (int k = 0; k < sampled.size(); k++) {
            TrainingRequest q = calls.get(positions.get(k));
            try {
                SampleResponse r = ModelRuntime.join(sampled.get(k));
                out.set(positions.get(k), Attempt.of(answer(q, reply(q, versions.get(k))
                        .setSample(TrainingCallCodec.sample(r)).build())));
            } catch (RuntimeException e) {
                out.set(positions.get(k), Attempt.failed(e));
            }
        }
        return out;
    }

    /** The calls that run one by one: optim_step, save and load, checkpoints, tokenize, info. */
    Reply handle(TrainingRequest q) {
        if (q.getOptimStep() != null) {
            return optimStep(q);
        }
        if (q.getLoadState() != null) {
            return loadState(q);
        }
        if (q.getSaveCheckpoint() != null) {
            return saveCheckpoint(q);
        }
        if (q.getCheckpoints() != null) {
            return checkpoints(q);
        }
        if (q.getTokenize() != null) {
            return tokenize(q);
        }
        if (q.getInfo() != null) {
            return info(q);
        }
        throw new RejectedWorkException("the training request sets no call (forward_backward, optim_step, sample, "
                + "save_checkpoint, load_state, checkpoints, tokenize or info)");
    }

    private Reply optimStep(TrainingRequest q) {
        var replayed = sessions.replayOf(q.getPolicyId(), q.getStateVersion(), q.getCorrelationId());
        if (replayed.isPresent()) {
            return answer(q, replayed.get());
        }
        TrainingSessions.Session s = sessions.at(q.getPolicyId(), q.getStateVersion());
        List<String> wanted = q.getOptimStep().getGradientIds();
        List<String> held = List.copyOf(s.gradients.keySet());
        if (!held.equals(wanted)) {
            sessions.discardGradients(s);
            List<String> missing = wanted.stream().filter(id -> !held.contains(id)).toList();
            throw new GradientsNotHereException("policy '" + q.getPolicyId() + "': the optim_step applies the "
                    + "gradients of " + wanted.size() + " forward_backward call(s), but worker " + ctx.workerId()
                    + " holds " + held.size() + (missing.isEmpty() ? " other ones" : " and not " + missing)
                    + " (the policy moved between workers, or a worker restarted); send them and the step again");
        }
        long before = s.policy.revision();
        OptimStepResult r = ModelRuntime.join(ctx.runtime().training().optimStep(s.policy,
                TrainingCallCodec.adam(q.getOptimStep().getAdam())));
        TrainingReply reply = reply(q, s.version + 1)
                .setOptimStep(TrainingCallCodec.optimStep(r, s.policy.revision() > before)).build();
        sessions.advance(s, reply);
        return answer(q, reply);
    }

    private Reply loadState(TrainingRequest q) {
        var replayed = sessions.replayOf(q.getPolicyId(), q.getStateVersion(), q.getCorrelationId());
        if (replayed.isPresent()) {
            return answer(q, replayed.get());
        }
        TrainingSessions.Session s = sessions.at(q.getPolicyId(), q.getStateVersion());
        CheckpointUri uri = CheckpointUri.parse(q.getLoadState().getUri());
        if (!uri.kind().equals("state")) {
            throw new RejectedWorkException(uri + " is a sampler export (adapter only); loading needs a state checkpoint");
        }
        Path dir = liveCheckpoint(uri);
        ModelRuntime.join(ctx.runtime().training().loadState(s.policy, dir, q.getLoadState().getWithOptimizer()));
        TrainingReply reply = reply(q, s.version + 1).build();
        sessions.advance(s, reply);
        return answer(q, reply);
    }

    private Reply saveCheckpoint(TrainingRequest q) {
        var call = q.getSaveCheckpoint();
        CheckpointUri uri = CheckpointUri.named(q.getPolicyId(), call.getKind(), call.getName());
        TrainingSessions.Session s = sessions.at(q.getPolicyId(), q.getStateVersion());
        AdapterStore store = ctx.runtime().store();
        listLive(q.getPolicyId()); // removes expired ones, so that an expired name can be used again
        if (store.contains(uri.toString())) {
            throw new RejectedWorkException("checkpoint " + uri + " already exists; delete it or choose another name");
        }
        Duration ttl = call.getTtlMs() == null ? null : Duration.ofMillis(call.getTtlMs());
        TrainingService training = ctx.runtime().training();
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("mint-checkpoint-");
            Path weights;
            String sha;
            if (uri.kind().equals("state")) {
                weights = ModelRuntime.join(training.saveState(s.policy, tmp));
                sha = PeftAdapterIo.sha256(weights);
            } else {
                sha = ModelRuntime.join(training.exportPeft(s.policy, tmp));
                weights = tmp.resolve(PeftAdapterIo.WEIGHTS);
            }
            CheckpointMetadata meta = CheckpointMetadata.of(uri, Files.size(weights), sha, Instant.now(), ttl,
                    s.version);
            meta.write(tmp);
            StoredArtifact stored = store.put(q.getPolicyId(), uri.kind(), uri.name(), tmp);
            if (uri.kind().equals("sampler")) {
                revisions.record(q, s, stored, call.getTtlMs()).forEach(outputs::publish);
            }
            return answer(q, reply(q, s.version).setCheckpoint(TrainingCallCodec.checkpoint(meta)).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + uri, e);
        } finally {
            PolicyTrainers.deleteTree(tmp);
        }
    }

    private Reply checkpoints(TrainingRequest q) {
        String delete = q.getCheckpoints().getDeleteUri();
        if (delete == null) {
            return answer(q, reply(q, q.getStateVersion()).setCheckpoints(
                    listLive(q.getPolicyId()).stream().map(TrainingCallCodec::checkpoint).toList()).build());
        }
        CheckpointUri uri = CheckpointUri.parse(delete);
        if (!uri.policyId().equals(q.getPolicyId())) {
            throw new RejectedWorkException("checkpoint " + uri + " belongs to policy '" + uri.policyId()
                    + "'; delete it through a call keyed by that policy");
        }
        if (uri.name().startsWith(TrainingSessions.HEAD_PREFIX)) {
            throw new RejectedWorkException(uri + " is a saved state version of the policy itself, not a checkpoint");
        }
        ctx.runtime().store().delete(uri.toString());
        return answer(q, reply(q, q.getStateVersion()).build());
    }

    /** The policy's live checkpoints (state and sampler, not its saved versions); expired ones are deleted. */
    private List<CheckpointMetadata> listLive(String policyId) {
        AdapterStore store = ctx.runtime().store();
        Instant now = Instant.now();
        List<CheckpointMetadata> out = new ArrayList<>();
        for (SavedCheckpoint.Kind kind : SavedCheckpoint.Kind.values()) {
            for (String name : store.names(policyId, kind.pathName())) {
                if (name.startsWith(TrainingSessions.HEAD_PREFIX)) {
                    continue;
                }
                String uri = store.uriOf(policyId, kind.pathName(), name);
                var meta = CheckpointMetadata.read(store.open(uri, null));
                if (meta.isEmpty()) {
                    continue; // the lifecycle's own revisions
                }
                if (meta.get().expired(now)) {
                    store.delete(uri);
                } else {
                    out.add(meta.get());
                }
            }
        }
        return out;
    }

    private Path liveCheckpoint(CheckpointUri uri) {
        Path dir = ctx.runtime().store().open(uri.toString(), null);
        CheckpointMetadata.read(dir).filter(m -> m.expired(Instant.now())).ifPresent(m -> {
            throw new RejectedWorkException("checkpoint " + uri + " expired at " + m.expiresAt());
        });
        return dir;
    }

    private Reply tokenize(TrainingRequest q) {
        var call = q.getTokenize();
        List<List<Integer>> tokens = call.getTexts().stream().map(t -> RolloutHandler.boxed(ctx.runtime().encode(t)))
                .toList();
        List<String> texts = call.getSequences().stream()
                .map(seq -> ctx.runtime().decode(TrainingCallCodec.ints(seq))).toList();
        return answer(q, reply(q, q.getStateVersion()).setTokens(tokens).setTexts(texts).build());
    }

    private Reply info(TrainingRequest q) {
        PolicySpec spec = ctx.policy(q.getPolicyId()).getSpec();
        var config = ctx.runtime().config();
        ModelInfo info = ModelInfo.newBuilder().setBaseModel(ctx.runtime().baseModel())
                .setVocabSize(config.vocabSize()).setEosTokenId(config.eosTokenId())
                .setMaxPositions(ctx.runtime().training().engine().maxPositions())
                .setLoraRank(spec.getLora().getRank())
                .setTargetModules(PolicyTrainers.targets(spec.getLora().getTargetModules()).stream()
                        .map(Projection::peftName).toList())
                .build();
        return answer(q, reply(q, q.getStateVersion()).setInfo(info).build());
    }

    /** The error reply of a call; {@code retriable} when sending it again can succeed. */
    Reply failure(TrainingRequest q, String reason, boolean retriable) {
        return answer(q, reply(q, q.getStateVersion()).setError(reason).setRetriable(retriable).build());
    }

    private TrainingReply.Builder reply(TrainingRequest q, long version) {
        return TrainingReply.newBuilder()
                .setEventId(EventIds.derived(q.getEventId(), "training-reply"))
                .setPolicyId(q.getPolicyId())
                .setTime(Instant.now())
                .setCorrelationId(q.getCorrelationId())
                .setProducedBy(ctx.workerId())
                .setStateVersion(version);
    }

    /** The reply on the topic the call named. */
    private static Reply answer(TrainingRequest q, TrainingReply reply) {
        return new Reply(q.getReplyTopic(), q.getPolicyId(), reply);
    }
}
