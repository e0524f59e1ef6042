package ai.mint.orchestration;

import ai.mint.events.FeedbackExample;
import java.util.List;
import java.util.Optional;

/** What a feedback example must hold for an off-policy update to train on it, and its buffered form. */
final class FeedbackExamples {

    private FeedbackExamples() {
    }

    /** Why the update could not use {@code e}, if it could not; the problem names the field. */
    static Optional<String> problem(FeedbackExample e) {
        if (e.getPromptTokens().isEmpty()) {
            return Optional.of("has no prompt_tokens");
        }
        if (e.getCompletionTokens().isEmpty()) {
            return Optional.of("has no completion_tokens");
        }
        if (e.getLogprobs().size() != e.getCompletionTokens().size()) {
            return Optional.of("has " + e.getLogprobs().size() + " logprobs for " + e.getCompletionTokens().size()
                    + " completion_tokens (one log-prob per token is needed for the importance ratio)");
        }
        for (int i = 0; i < e.getLogprobs().size(); i++) {
            float lp = e.getLogprobs().get(i);
            if (!(lp <= 0f) || Float.isInfinite(lp)) {
                return Optional.of("has logprobs[" + i + "] = " + lp + ", a log-prob must be finite and <= 0");
            }
        }
        if (!(e.getReward() >= -1 && e.getReward() <= 1)) {
            return Optional.of("has reward " + e.getReward() + ", outside [-1, 1]");
        }
        return Optional.empty();
    }

    static FeedbackBuffer.Example buffered(long seq, FeedbackExample e) {
        return new FeedbackBuffer.Example(seq, e.getEventId(), e.getRevision(), List.copyOf(e.getPromptTokens()),
                List.copyOf(e.getCompletionTokens()), List.copyOf(e.getLogprobs()), e.getReward());
    }
}
