package ai.mint.orchestration;

import ai.mint.common.ids.EventIds;
import ai.mint.events.AdamParams;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.EvalSpec;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.LossParams;
import ai.mint.events.Metric;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.events.SamplingParams;
import ai.mint.events.Trajectory;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The choreography of the continuous training loop as a pure function: given a policy's loop state and one event
 * (its catalog entry, a stage result, a live metric), the next state and the requests to publish. Rollout result ->
 * update request -> export request -> eval request -> next rollout, until the spec's steps are done or the policy is
 * stopped; a live metric window that regresses past the spec's guard raises a rollback request. A policy that opted in
 * to feedback training also runs feedback steps while its loop is idle: buffered feedback -> update -> export ->
 * eval, then idle again ({@link #startFeedback}). Results that do not
 * answer the request the loop waits on (late, duplicate, from a stopped run) change nothing. Promotion is the catalog
 * app's decision, not this one's.
 */
public final class LoopRules {

    /** What one event does to a loop. */
    public record Step(LoopState state, List<SpecificRecord> requests) {
        static Step unchanged(LoopState s) {
            return new Step(s, List.of());
        }
    }

    /** Tries of one step before its loop is given up, unless configured otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private final String appName;
    private final int maxAttempts;

    public LoopRules(String appName) {
        this(appName, DEFAULT_MAX_ATTEMPTS);
    }

    /** @param maxAttempts tries of one step (its rollout, update, export and eval) before the loop is given up */
    public LoopRules(String appName, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        this.appName = appName;
        this.maxAttempts = maxAttempts;
    }

    /** A catalog entry: (re)starts, stops or re-specs the loop, and follows the serving pointer. */
    public Step onCatalog(LoopState current, CatalogEntry entry) {
        LoopSpec spec = LoopSpec.of(entry.getSpec());
        LoopState s = current == null ? LoopState.fresh(entry.getPolicyId(), spec) : current;
        boolean specChanged = !spec.specEventId().equals(s.spec().specEventId());
        s = s.withSpec(spec);
        if (!java.util.Objects.equals(entry.getServingRevision(), s.servingRevision())) {
            s = s.servingMoved(entry.getServingRevision(), evalScore(entry, entry.getServingRevision(), spec.guardMetric()));
        }
        if (!spec.active()) {
            return Step.unchanged(s.phase().inFlight() || s.phase() == LoopPhase.IDLE
                    ? s.settled(LoopPhase.STOPPED, "policy stopped") : s);
        }
        boolean canStart = s.phase() == LoopPhase.IDLE || s.phase() == LoopPhase.STOPPED
                || ((s.phase() == LoopPhase.DONE || s.phase() == LoopPhase.FAILED) && specChanged);
        if (!spec.training() && spec.feedback() != null && canStart && s.phase() != LoopPhase.IDLE) {
            // a policy trained only on feedback: a new spec (or a restart) makes its loop idle, ready for a batch
            return Step.unchanged(s.settled(LoopPhase.IDLE, null).rolloutStep().firstAttempt());
        }
        if (!spec.training() || !canStart) {
            return Step.unchanged(s);
        }
        // continue after the newest exported revision the catalog knows (a restarted loop does not redo steps)
        Optional<RevisionInfo> newest = entry.getRevisions().stream()
                .filter(r -> r.getState() != RevisionState.TRAINED)
                .max(Comparator.comparingInt(RevisionInfo::getStep));
        int done = Math.max(s.completedSteps(), newest.map(RevisionInfo::getStep).orElse(0));
        String latest = newest.map(RevisionInfo::getRevision).orElse(s.latestRevision());
        s = s.withProgress(done, latest).firstAttempt();
        return nextRollout(s, entry.getEventId());
    }

    public Step onRollout(LoopState s, RolloutResult r) {
        if (!waitingOn(s, LoopPhase.ROLLOUT, r.getCorrelationId())) {
            return Step.unchanged(s);
        }
        if (r.getError() != null) {
            return retryOrFail(s, "rollout of step " + s.pendingStep() + ": " + r.getError(), r.getEventId());
        }
        String correlation = correlation(s, s.pendingStep(), "update");
        UpdateRequest q = UpdateRequest.newBuilder()
                .setEventId(EventIds.derived(r.getEventId(), "update-request"))
                .setPolicyId(s.policyId())
                .setTime(Instant.now())
                .setCorrelationId(correlation)
                .setProducedBy(appName)
                .setBaseRevision(r.getRevision())
                .setTrajectories(r.getTrajectories())
                .setLossFn("grpo")
                .setAdam(AdamParams.newBuilder().setLearningRate(s.spec().learningRate()).build())
                .setStep(s.pendingStep())
                .build();
        return new Step(s.waiting(LoopPhase.UPDATE, correlation, s.pendingStep()), List.of(q));
    }

    public Step onUpdate(LoopState s, UpdateResult r) {
        if (!waitingOn(s, LoopPhase.UPDATE, r.getCorrelationId())) {
            return Step.unchanged(s);
        }
        if (r.getError() != null) {
            return retryOrFail(s, "update of step " + s.pendingStep() + ": " + r.getError(), r.getEventId());
        }
        String correlation = correlation(s, s.pendingStep(), "export");
        ExportRequest q = ExportRequest.newBuilder()
                .setEventId(EventIds.derived(r.getEventId(), "export-request"))
                .setPolicyId(s.policyId())
                .setTime(Instant.now())
                .setCorrelationId(correlation)
                .setProducedBy(appName)
                .setRevision(r.getNewRevision())
                .setStateUri(r.getStateUri())
                .build();
        return new Step(s.waiting(LoopPhase.EXPORT, correlation, s.pendingStep()), List.of(q));
    }

    public Step onExport(LoopState s, ExportResult r) {
        if (!waitingOn(s, LoopPhase.EXPORT, r.getCorrelationId())) {
            return Step.unchanged(s);
        }
        if (r.getError() != null) {
            return retryOrFail(s, "export of step " + s.pendingStep() + ": " + r.getError(), r.getEventId());
        }
        LoopState exported = s.withProgress(s.completedSteps(), r.getRevision());
        if (s.spec().evalMetric() == null) {
            return finishStep(exported.withProgress(s.pendingStep(), r.getRevision()), r.getEventId());
        }
        String correlation = correlation(s, s.pendingStep(), "eval");
        EvalRequest q = EvalRequest.newBuilder()
                .setEventId(EventIds.derived(r.getEventId(), "eval-request"))
                .setPolicyId(s.policyId())
                .setTime(Instant.now())
                .setCorrelationId(correlation)
                .setProducedBy(appName)
                .setRevision(r.getRevision())
                .setAdapterUri(r.getAdapterUri())
                .setSha256(r.getSha256())
                .setEval(EvalSpec.newBuilder().setPrompts(s.spec().evalPrompts())
                        .setSamplesPerPrompt(s.spec().evalSamplesPerPrompt()).setMetric(s.spec().evalMetric()).build())
                .build();
        return new Step(exported.waiting(LoopPhase.EVAL, correlation, s.pendingStep()), List.of(q));
    }

    public Step onEval(LoopState s, EvalResult r) {
        if (!waitingOn(s, LoopPhase.EVAL, r.getCorrelationId())) {
            return Step.unchanged(s);
        }
        if (r.getError() != null) {
            return retryOrFail(s, "eval of step " + s.pendingStep() + ": " + r.getError(), r.getEventId());
        }
        return finishStep(s.withProgress(s.pendingStep(), s.latestRevision()), r.getEventId());
    }

    /** A live metric of the serving revision: a full window that fell past the guard asks for a rollback. */
    public Step onMetric(LoopState s, Metric m) {
        LoopSpec spec = s.spec();
        if (spec.guardMetric() == null || !spec.guardMetric().equals(m.getName()) || s.servingRevision() == null
                || !s.servingRevision().equals(m.getRevision()) || s.guardTripped() || !Double.isFinite(m.getValue())) {
            return Step.unchanged(s);
        }
        LoopState next = s.withLiveValue(m.getValue(), spec.guardWindow());
        if (next.liveValues().size() < Math.max(1, spec.guardWindow())) {
            return Step.unchanged(next);
        }
        Double baseline = next.previousLiveMean() != null ? next.previousLiveMean() : next.servingEvalScore();
        double live = next.liveValues().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        if (baseline == null || live >= baseline - spec.guardMaxDrop()) {
            return Step.unchanged(next);
        }
        String reason = String.format(Locale.ROOT, "regression guard: live %s %.4f over the last %d responses of %s"
                        + " is more than %.4f below the baseline %.4f", spec.guardMetric(), live, next.liveValues().size(),
                s.servingRevision(), spec.guardMaxDrop(), baseline);
        RollbackRequest q = RollbackRequest.newBuilder()
                .setEventId(EventIds.derived(m.getEventId(), "rollback-request"))
                .setPolicyId(s.policyId())
                .setTime(Instant.now())
                .setCorrelationId(s.policyId() + "/guard/" + s.servingRevision())
                .setProducedBy(appName)
                .setTargetRevision(null)
                .setReason(reason)
                .setRequestedBy(appName)
                .build();
        return new Step(next.tripGuard(), List.of(q));
    }

    /**
     * The request the loop waits on got no result before its deadline: the try failed like a stage that reported an
     * error. {@code correlation} names the request whose deadline passed; a loop that moved on since changes nothing.
     */
    public Step onDeadline(LoopState s, String correlation, long waitedMs) {
        if (s == null || !s.phase().inFlight() || !correlation.equals(s.pendingCorrelation())) {
            return Step.unchanged(s);
        }
        String stage = s.phase().name().toLowerCase(Locale.ROOT);
        return retryOrFail(s, stage + " of step " + s.pendingStep() + ": no result within " + waitedMs + " ms",
                EventIds.derived(correlation, "deadline"));
    }

    /**
     * A stage failed: start the step again from its rollout (a worker answers a repeated update or export from what it
     * saved), up to {@code maxAttempts} times, then give up on the loop with the reason.
     */
    private Step retryOrFail(LoopState s, String reason, String causeEventId) {
        if (s.attempt() + 1 >= maxAttempts) {
            return Step.unchanged(s.settled(LoopPhase.FAILED, reason + " (after " + maxAttempts + " attempts)")
                    .rolloutStep());
        }
        if (s.feedbackStep()) { // idle again: the processor sends the buffered batch again (startFeedback)
            return Step.unchanged(s.retried().settled(LoopPhase.IDLE, reason).rolloutStep());
        }
        return nextRollout(s.retried(), causeEventId);
    }

    /** A step's last stage finished: a feedback step leaves the loop idle, a GRPO step goes on to the next rollout. */
    private Step finishStep(LoopState s, String causeEventId) {
        if (s.feedbackStep()) {
            return Step.unchanged(s.feedbackConsumed().settled(LoopPhase.IDLE, null));
        }
        return nextRollout(s, causeEventId);
    }

    /**
     * Whether a feedback update may start now: the policy opted in, is active, and its loop waits on nothing (not
     * started, or its GRPO steps are done). A failed loop waits for a new spec.
     */
    public boolean canStartFeedback(LoopState s) {
        return s != null && s.spec().feedback() != null && s.spec().active()
                && (s.phase() == LoopPhase.IDLE || s.phase() == LoopPhase.DONE);
    }

    /**
     * One off-policy update on buffered feedback (the oldest {@code batch} examples): each example a trajectory with
     * the serving revision's logged log-probs and the user's score as reward, all in one group (prompt 0), so the
     * worker's advantage is the score relative to the batch (minus the batch mean, over its standard deviation);
     * loss ppo clips the importance ratio {@code exp(logp_now - logp_logged)} to the spec's clip epsilon. The step
     * continues the policy's step count and goes on through export and eval like a GRPO step.
     */
    Step startFeedback(LoopState s, List<FeedbackBuffer.Example> batch, String causeEventId) {
        LoopSpec.Feedback f = s.spec().feedback();
        if (!canStartFeedback(s) || f == null || batch.size() < f.batchSize()) {
            return Step.unchanged(s);
        }
        int step = s.completedSteps() + 1;
        long through = batch.get(batch.size() - 1).seq();
        LoopState started = s.feedbackStep(through);
        String correlation = correlation(started, step, "feedback-update");
        List<Trajectory> trajectories = batch.stream().map(e -> Trajectory.newBuilder()
                .setPromptIndex(0)
                .setPromptTokens(e.promptTokens())
                .setCompletionTokens(e.completionTokens())
                .setCompletionText("")
                .setLogprobs(e.logprobs())
                .setReward(e.reward())
                .build()).toList();
        UpdateRequest q = UpdateRequest.newBuilder()
                .setEventId(EventIds.derived(causeEventId, "feedback-update-request-" + step + "-" + s.attempt()))
                .setPolicyId(s.policyId())
                .setTime(Instant.now())
                .setCorrelationId(correlation)
                .setProducedBy(appName)
                .setBaseRevision(s.latestRevision() != null ? s.latestRevision() : s.spec().baseModel())
                .setTrajectories(trajectories)
                .setLossFn("ppo")
                .setLoss(LossParams.newBuilder().setClipLow(f.clipEpsilon()).setClipHigh(f.clipEpsilon())
                        .setKlBeta(f.klCoef()).build())
                .setAdam(AdamParams.newBuilder().setLearningRate(f.learningRate()).build())
                .setStep(step)
                .build();
        return new Step(started.waiting(LoopPhase.UPDATE, correlation, step), List.of(q));
    }

    private Step nextRollout(LoopState s, String causeEventId) {
        LoopSpec spec = s.spec();
        if (!spec.active()) {
            return Step.unchanged(s.settled(LoopPhase.STOPPED, "policy stopped"));
        }
        if (s.completedSteps() >= spec.steps()) {
            return Step.unchanged(s.settled(LoopPhase.DONE, null));
        }
        int step = s.completedSteps() + 1;
        String correlation = correlation(s, step, "rollout");
        RolloutRequest q = RolloutRequest.newBuilder()
                .setEventId(EventIds.derived(causeEventId, "rollout-request-" + step + "-" + s.attempt()))
                .setPolicyId(s.policyId())
                .setTime(Instant.now())
                .setCorrelationId(correlation)
                .setProducedBy(appName)
                .setRevision(s.latestRevision() != null ? s.latestRevision() : spec.baseModel())
                .setPrompts(spec.prompts())
                .setGroupSize(spec.groupSize())
                .setSampling(SamplingParams.newBuilder()
                        .setMaxTokens(spec.maxTokens())
                        .setTemperature(spec.temperature())
                        .setSeed(spec.seed() * 1_000_003L + step * 7919L)
                        .build())
                .build();
        return new Step(s.rolloutStep().waiting(LoopPhase.ROLLOUT, correlation, step), List.of(q));
    }

    private static boolean waitingOn(LoopState s, LoopPhase phase, String correlation) {
        return s != null && s.phase() == phase && correlation != null && correlation.equals(s.pendingCorrelation());
    }

    /** Unique per run and try of a step: a restarted loop or a retried step ignores results of the earlier one. */
    private static String correlation(LoopState s, int step, String stage) {
        return s.policyId() + "/" + s.spec().specEventId() + "/step-" + step + "/try-" + s.attempt() + "/" + stage;
    }

    private static Double evalScore(CatalogEntry entry, String revision, String metric) {
        if (revision == null || metric == null) {
            return null;
        }
        return entry.getRevisions().stream().filter(r -> r.getRevision().equals(revision)).findFirst()
                .map(r -> r.getEvalScores().get(metric)).orElse(null);
    }
}
