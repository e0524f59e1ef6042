package ai.mint.feedback;

import ai.mint.events.InferenceResponse;
import java.util.List;

/** What the join keeps of a response until its feedback comes (stored as JSON). */
record HeldResponse(String policyId, String revision, long timeMs, List<Integer> promptTokens,
                    List<Integer> completionTokens, List<Float> logprobs, String error) {

    static HeldResponse of(InferenceResponse r) {
        return new HeldResponse(r.getPolicyId(), r.getRevision(), r.getTime().toEpochMilli(), r.getPromptTokenIds(),
                r.getCompletionTokens(), r.getLogprobs(), r.getError());
    }
}
