package ai.mint.feedback;

import ai.mint.topics.Topics;
import java.util.regex.Pattern;

/**
 * The topics the feedback join reads and writes; {@link #defaults()} are the platform's.
 *
 * @param responses  responses to join: the shared responses topic and every instance's reply topic (a gateway's
 *                   answers never reach the shared one), by pattern
 * @param requests   inference requests, for the tenant each request was made by
 * @param partitions partitions of the feedback and requests topics: the responses are repartitioned to this count,
 *                   so that a request's response, request and feedback meet in one task
 */
public record FeedbackTopics(Pattern responses, String requests, String feedback, String examples, String deadLetter,
                             int partitions) {

    public static FeedbackTopics defaults() {
        return new FeedbackTopics(Pattern.compile(Pattern.quote(Topics.INFERENCE_RESPONSES.name()) + "|"
                + Pattern.quote(Topics.INFERENCE_REPLIES_PREFIX) + ".+"), Topics.INFERENCE_REQUESTS.name(),
                Topics.FEEDBACK.name(), Topics.FEEDBACK_EXAMPLES.name(), Topics.DEAD_LETTER.name(),
                Topics.FEEDBACK.partitions());
    }

    /** The same topics with the responses repartitioned to {@code count} partitions. */
    public FeedbackTopics withPartitions(int count) {
        return new FeedbackTopics(responses, requests, feedback, examples, deadLetter, count);
    }
}
