package ai.mint.orchestration;

import java.util.ArrayList;
import java.util.List;

/**
 * One policy's training loop and live-metric guard, as stored (JSON) in the orchestrator's state store. Immutable:
 * the rules return changed copies.
 *
 * @param policyId        the policy
 * @param spec            its loop-relevant spec
 * @param phase           where the loop is
 * @param completedSteps  steps whose rollout, update, export and eval all finished
 * @param latestRevision  the newest exported revision (null: none yet, rollouts use the base model)
 * @param pendingCorrelation correlation id of the request the loop waits on (null when not in flight)
 * @param pendingStep     the step that request belongs to
 * @param attempt         how many times the pending step was started again after a stage failed (0: first try)
 * @param failure         why the loop failed (phase FAILED)
 * @param servingRevision the serving pointer as last seen in the catalog
 * @param servingEvalScore the serving revision's eval score on the guard metric (null if none)
 * @param previousLiveMean the mean live metric of the revision that served before it (null if unknown)
 * @param liveValues      the last guard-window live metric values of the serving revision
 * @param guardTripped    a rollback was already requested for the serving revision
 * @param deadlineAtMs    wall-clock time (epoch ms) past which the pending request counts as lost; 0: none
 * @param feedbackStep    the pending step trains on buffered feedback (update, export, eval) rather than a rollout
 * @param feedbackSentThrough  the newest buffered example (by seq) the pending or last feedback update carried
 * @param feedbackConsumedThrough the newest example a finished feedback step trained on: those up to it are gone
 */
public record LoopState(
        String policyId,
        LoopSpec spec,
        LoopPhase phase,
        int completedSteps,
        String latestRevision,
        String pendingCorrelation,
        int pendingStep,
        int attempt,
        String failure,
        String servingRevision,
        Double servingEvalScore,
        Double previousLiveMean,
        List<Double> liveValues,
        boolean guardTripped,
        long deadlineAtMs,
        boolean feedbackStep,
        long feedbackSentThrough,
        long feedbackConsumedThrough) {

    public LoopState {
        liveValues = liveValues == null ? List.of() : List.copyOf(liveValues);
    }

    public static LoopState fresh(String policyId, LoopSpec spec) {
        return new LoopState(policyId, spec, LoopPhase.IDLE, 0, null, null, 0, 0, null, null, null, null, List.of(), false,
                0, false, 0, 0);
    }

    LoopState withSpec(LoopSpec s) {
        return new LoopState(policyId, s, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt, failure, servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped,
                deadlineAtMs,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    LoopState waiting(LoopPhase p, String correlation, int step) {
        return new LoopState(policyId, spec, p, completedSteps, latestRevision, correlation, step, attempt, null,
                servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped, 0,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    LoopState settled(LoopPhase p, String why) {
        return new LoopState(policyId, spec, p, completedSteps, latestRevision, null, 0, attempt, why, servingRevision,
                servingEvalScore, previousLiveMean, liveValues, guardTripped, 0,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    LoopState withProgress(int steps, String revision) {
        int nextAttempt = steps > completedSteps ? 0 : attempt; // a finished step starts the next one afresh
        return new LoopState(policyId, spec, phase, steps, revision, pendingCorrelation, pendingStep, nextAttempt, failure,
                servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped, deadlineAtMs,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    LoopState servingMoved(String revision, Double evalScore) {
        Double prevMean = previousLiveMean;
        if (!liveValues.isEmpty()) { // the revision that served until now leaves its live mean as the new baseline
            prevMean = liveValues.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        }
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt, failure, revision, evalScore, prevMean, List.of(), false, deadlineAtMs,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    LoopState withLiveValue(double value, int window) {
        List<Double> values = new ArrayList<>(liveValues);
        values.add(value);
        while (values.size() > Math.max(1, window)) {
            values.remove(0);
        }
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt, failure, servingRevision, servingEvalScore, previousLiveMean, values, guardTripped, deadlineAtMs,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    LoopState firstAttempt() {
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                0, failure, servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped,
                deadlineAtMs,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    LoopState retried() {
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt + 1, failure, servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped,
                deadlineAtMs,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    /** The pending request counts as lost past {@code atMs} (the caller knows the clock and the stage's deadline). */
    LoopState dueAt(long atMs) {
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt, failure, servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped, atMs,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    LoopState tripGuard() {
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt, failure, servingRevision, servingEvalScore, previousLiveMean, liveValues, true, deadlineAtMs,
                feedbackStep, feedbackSentThrough, feedbackConsumedThrough);
    }

    /** The pending step is a feedback step that carries the buffered examples up to {@code sentThrough}. */
    LoopState feedbackStep(long sentThrough) {
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt, failure, servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped,
                deadlineAtMs, true, sentThrough, feedbackConsumedThrough);
    }

    /** The pending step is a GRPO step (a rollout starts it). */
    LoopState rolloutStep() {
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt, failure, servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped,
                deadlineAtMs, false, feedbackSentThrough, feedbackConsumedThrough);
    }

    /** The feedback step finished: the examples it carried are consumed. */
    LoopState feedbackConsumed() {
        return new LoopState(policyId, spec, phase, completedSteps, latestRevision, pendingCorrelation, pendingStep,
                attempt, failure, servingRevision, servingEvalScore, previousLiveMean, liveValues, guardTripped,
                deadlineAtMs, false, feedbackSentThrough, Math.max(feedbackConsumedThrough, feedbackSentThrough));
    }
}
