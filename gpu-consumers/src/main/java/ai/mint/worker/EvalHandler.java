package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.EvalSpec;
import ai.mint.events.RevisionInfo;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Eval role: samples the eval prompts from exactly the exported adapter (its address and checksum taken from the
 * catalog's record of the export, never from the request) and reports the mean reward under the eval spec's metric
 * name. Every revision of a policy is evaluated with the same
 * seeds, so two revisions' scores differ only because their adapters do. The catalog app applies the promotion gate.
 */
public final class EvalHandler {

    /** Seed of every eval draw, so that revisions are compared on the same random numbers. */
    static final long EVAL_SEED = 20_240_917L;
    private static final int DEFAULT_MAX_TOKENS = 16;
    private static final double DEFAULT_TEMPERATURE = 1.0;

    private final WorkContext ctx;
    private final GroupSampler sampler;

    public EvalHandler(WorkContext ctx) {
        this.ctx = ctx;
        this.sampler = new GroupSampler(ctx);
    }

    public Reply handle(EvalRequest q) {
        CatalogEntry entry = ctx.policy(q.getPolicyId());
        EvalSpec eval = q.getEval();
        if (eval.getMetric() == null || eval.getMetric().isBlank()) {
            throw new RejectedWorkException("eval spec has an empty metric name");
        }
        var reward = ctx.reward(entry.getSpec());
        String adapter = recordedAdapter(q);
        var training = entry.getSpec().getTraining();
        int maxTokens = training != null ? training.getMaxTokens() : DEFAULT_MAX_TOKENS;
        double temperature = training != null ? training.getTemperature() : DEFAULT_TEMPERATURE;
        List<GroupSampler.Sample> samples = sampler.sample(adapter, eval.getPrompts(), eval.getSamplesPerPrompt(),
                maxTokens, temperature, 1.0, EVAL_SEED, reward);
        Map<String, Double> scores = new LinkedHashMap<>();
        double mean = GroupSampler.meanReward(samples);
        if (Double.isNaN(mean)) {
            throw new RejectedWorkException("no eval sample of " + q.getRevision() + " could be scored: "
                    + samples.get(0).reward().failureReason());
        }
        scores.put(eval.getMetric(), mean);
        EvalResult result = base(q).setScores(scores).setSamples(samples.size()).build();
        return new Reply(Topics.EVAL_RESULTS.name(), q.getPolicyId(), result);
    }

    /**
     * The adapter to evaluate, from the catalog's record of the revision's export: a request that names another
     * address or checksum is refused, so a forged eval request cannot have another adapter scored as this revision.
     */
    private String recordedAdapter(EvalRequest q) {
        RevisionInfo recorded = ctx.exportedRevision(q.getPolicyId(), q.getRevision());
        if (!q.getAdapterUri().isEmpty() && !q.getAdapterUri().equals(recorded.getAdapterUri())) {
            throw new RejectedWorkException(RejectedWorkException.BAD_REQUEST, "eval request names adapter '"
                    + q.getAdapterUri() + "', but the catalog records '" + recorded.getAdapterUri()
                    + "' for revision '" + q.getRevision() + "' of policy '" + q.getPolicyId() + "'", null);
        }
        if (!q.getSha256().isEmpty() && !q.getSha256().equalsIgnoreCase(recorded.getSha256())) {
            throw new RejectedWorkException(RejectedWorkException.BAD_REQUEST, "eval request names checksum "
                    + q.getSha256() + ", but the catalog records " + recorded.getSha256() + " for revision '"
                    + q.getRevision() + "' of policy '" + q.getPolicyId() + "'", null);
        }
        return ctx.runtime().adapterFor(q.getPolicyId(), q.getRevision(), recorded.getAdapterUri(),
                recorded.getSha256());
    }

    public Reply failure(EvalRequest q, String reason) {
        return new Reply(Topics.EVAL_RESULTS.name(), q.getPolicyId(),
                base(q).setScores(Map.of()).setSamples(0).setError(reason).build());
    }

    private EvalResult.Builder base(EvalRequest q) {
        return EvalResult.newBuilder()
                .setEventId(EventIds.derived(q.getEventId(), "eval-result"))
                .setPolicyId(q.getPolicyId())
                .setTime(Instant.now())
                .setCorrelationId(q.getCorrelationId())
                .setProducedBy(ctx.workerId())
                .setRevision(q.getRevision());
    }
}
