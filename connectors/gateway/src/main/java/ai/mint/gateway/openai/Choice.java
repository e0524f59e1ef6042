package ai.mint.gateway.openai;

import ai.mint.events.InferenceResponse;
import java.util.List;

/**
 * One answered completion, ready to render: the text after the request's stop sequences, the tokens it is made of
 * with their log-probabilities, why it ended, and the revision that wrote it.
 *
 * @param index            the choice's index in the response (prompt index x n + i)
 * @param text             the completion, cut before the first stop sequence
 * @param tokens           each kept token's text (empty when the worker did not send them)
 * @param logprobs         each kept token's log-probability
 * @param finishReason     {@code stop} or {@code length}
 * @param revision         the revision that answered
 * @param promptTokens     tokens of the prompt
 * @param completionTokens tokens of the kept completion
 */
public record Choice(int index, String text, List<String> tokens, List<Float> logprobs, String finishReason,
                     String revision, int promptTokens, int completionTokens) {

    public Choice {
        tokens = List.copyOf(tokens);
        logprobs = List.copyOf(logprobs);
    }

    /**
     * The choice a worker's response makes, cut before the earliest of {@code stop}. The workers do not stop at stop
     * sequences themselves yet, so the gateway cuts here: the text, its tokens and the token count all end before the
     * stop sequence, and the finish reason becomes {@code stop}.
     */
    public static Choice of(int index, InferenceResponse r, List<String> stop) {
        String text = r.getCompletionText();
        List<String> tokens = r.getCompletionTokenTexts();
        List<Float> logprobs = r.getLogprobs();
        boolean aligned = tokens.size() == r.getCompletionTokens().size() && logprobs.size() == tokens.size();
        int count = r.getCompletionTokens().size();
        String finish = "length".equals(r.getFinishReason()) ? "length" : "stop";
        int cut = -1;
        for (String s : stop) {
            int at = text.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            text = text.substring(0, cut);
            finish = "stop";
            if (aligned) {
                // keep the tokens that start before the cut
                int kept = 0;
                int offset = 0;
                while (kept < tokens.size() && offset < cut) {
                    offset += tokens.get(kept).length();
                    kept++;
                }
                tokens = tokens.subList(0, kept);
                logprobs = logprobs.subList(0, kept);
                count = kept;
            }
        }
        if (!aligned) {
            tokens = List.of();
            logprobs = List.of();
        }
        return new Choice(index, text, tokens, logprobs, finish, r.getRevision(), r.getPromptTokens(), count);
    }
}
