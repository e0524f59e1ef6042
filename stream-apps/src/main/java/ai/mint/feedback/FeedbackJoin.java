package ai.mint.feedback;

import ai.mint.common.ids.EventIds;
import ai.mint.events.FeedbackExample;
import java.time.Instant;
import java.util.Objects;

/**
 * The join's rules, a pure function of one feedback and what is known of its request: a training example, or the
 * reason it cannot be one. Each reason is the error class of its dead letter.
 */
final class FeedbackJoin {

    /** No response for the request within the grace the feedback waited. */
    static final String UNKNOWN_REQUEST = "UNKNOWN_REQUEST";
    /** A second feedback for a request that already had one. */
    static final String DUPLICATE_FEEDBACK = "DUPLICATE_FEEDBACK";
    /** Feedback given later after its response than the window allows. */
    static final String FEEDBACK_TOO_LATE = "FEEDBACK_TOO_LATE";
    /** Feedback on a response that carries an error, not a completion. */
    static final String ERROR_RESPONSE = "ERROR_RESPONSE";
    /** A score outside [-1, 1] (or not a number). */
    static final String SCORE_OUT_OF_RANGE = "SCORE_OUT_OF_RANGE";
    /** Feedback from another tenant than the one that made the request. */
    static final String TENANT_MISMATCH = "TENANT_MISMATCH";
    /** A response without the tokens a training example needs (e.g. from a worker that does not send them). */
    static final String INCOMPLETE_RESPONSE = "INCOMPLETE_RESPONSE";
    /** Feedback keyed or addressed to another policy than the one that answered. */
    static final String POLICY_MISMATCH = "POLICY_MISMATCH";

    /** What became of one feedback: an example, or a refusal with its reason. */
    record Outcome(FeedbackExample example, String errorClass, String reason) {

        static Outcome refused(String errorClass, String reason) {
            return new Outcome(null, errorClass, reason);
        }

        boolean accepted() {
            return example != null;
        }
    }

    private FeedbackJoin() {
    }

    /** Why this score cannot be a reward, or null when it can. */
    static String scoreProblem(double score) {
        return Double.isNaN(score) || score < -1 || score > 1
                ? "score " + score + " is outside [-1, 1] (thumbs up is 1, down -1)" : null;
    }

    /**
     * @param requestTenant the tenant the request was made by, or null when not known (or single-tenant)
     * @param nowMs         the example's time
     */
    static Outcome join(HeldFeedback f, HeldResponse r, String requestTenant, long windowMs, long nowMs) {
        String request = "request " + f.requestId();
        if (!f.policyId().equals(r.policyId())) {
            return Outcome.refused(POLICY_MISMATCH, "feedback for policy '" + f.policyId() + "' on " + request
                    + ", which policy '" + r.policyId() + "' answered");
        }
        if (r.error() != null) {
            return Outcome.refused(ERROR_RESPONSE, request + " was answered with an error, not a completion: "
                    + r.error());
        }
        if (requestTenant != null && f.tenant() != null && !Objects.equals(requestTenant, f.tenant())) {
            return Outcome.refused(TENANT_MISMATCH, "feedback from tenant '" + f.tenant() + "' on " + request
                    + ", which tenant '" + requestTenant + "' made");
        }
        long late = f.timeMs() - r.timeMs();
        if (late > windowMs) {
            return Outcome.refused(FEEDBACK_TOO_LATE, "feedback on " + request + " came " + late
                    + " ms after its response, past the window of " + windowMs + " ms");
        }
        if (r.promptTokens().isEmpty() || r.completionTokens().isEmpty()
                || r.logprobs().size() != r.completionTokens().size()) {
            return Outcome.refused(INCOMPLETE_RESPONSE, "the response to " + request + " has "
                    + r.promptTokens().size() + " prompt tokens, " + r.completionTokens().size()
                    + " completion tokens and " + r.logprobs().size() + " log-probs; an example needs prompt "
                    + "tokens and one log-prob per completion token");
        }
        return new Outcome(FeedbackExample.newBuilder()
                .setEventId(EventIds.derived(f.eventId(), "feedback-example"))
                .setPolicyId(f.policyId())
                .setTime(Instant.ofEpochMilli(nowMs))
                .setRequestId(f.requestId())
                .setRevision(r.revision())
                .setPromptTokens(r.promptTokens())
                .setCompletionTokens(r.completionTokens())
                .setLogprobs(r.logprobs())
                .setReward(f.score())
                .setFeedbackTime(f.timeMs())
                .setPreferredCompletion(f.preferredCompletion())
                .build(), null, null);
    }
}
