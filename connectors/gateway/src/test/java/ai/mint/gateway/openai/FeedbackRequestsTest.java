package ai.mint.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FeedbackRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "gw-1-5f0c8a9e-3f1e-4b53-9a7d-2d4c1b0e9f11";

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void shouldMapACompletionIdAndChoiceBackToTheRequestTheGatewaySent() throws Exception {
        String completion = CompletionIds.completion(CompletionJob.Endpoint.COMPLETIONS, BASE);
        String chat = CompletionIds.completion(CompletionJob.Endpoint.CHAT, BASE);

        FeedbackRequests.Feedback first = FeedbackRequests.parse(json("{'id': '" + completion
                + "', 'model': 'p1', 'score': 0.25}"));
        FeedbackRequests.Feedback third = FeedbackRequests.parse(json("{'id': '" + chat
                + "', 'model': 'p1@rev-2', 'choice': 2, 'rating': 'down', 'preferred_completion': 'No.'}"));

        assertThat(first.requestId()).isEqualTo(CompletionIds.request(BASE, 0)).isEqualTo(BASE + "-0");
        assertThat(first.score()).isEqualTo(0.25);
        assertThat(first.model()).isEqualTo(new ModelRef("p1", null));
        assertThat(first.preferredCompletion()).isNull();
        assertThat(third.requestId()).isEqualTo(BASE + "-2");
        assertThat(third.completionId()).isEqualTo("chatcmpl-" + BASE);
        assertThat(third.score()).isEqualTo(-1.0);
        assertThat(third.model().policyId()).isEqualTo("p1");
        assertThat(third.preferredCompletion()).isEqualTo("No.");
    }

    @Test
    void shouldTakeAThumbsUpAsTheHighestScore() throws Exception {
        assertThat(FeedbackRequests.parse(json("{'id': 'cmpl-" + BASE + "', 'model': 'p', 'rating': 'up'}")).score())
                .isEqualTo(1.0);
    }

    static Stream<Arguments> badFeedback() {
        String id = "'id': 'cmpl-" + BASE + "'";
        return Stream.of(
                Arguments.of("{'model': 'p', 'score': 1}", "id", "'id' is required"),
                Arguments.of("{'id': 'resp_123', 'model': 'p', 'score': 1}", "id", "completion this gateway returned"),
                Arguments.of("{'id': 'cmpl-a b', 'model': 'p', 'score': 1}", "id", "completion this gateway returned"),
                Arguments.of("{" + id + ", 'score': 1}", "model", "'model' is required"),
                Arguments.of("{" + id + ", 'model': 'p'}", "score", "'score' (a number in [-1, 1]) or 'rating'"),
                Arguments.of("{" + id + ", 'model': 'p', 'score': 1.5}", "score", "[-1.0, 1.0], got 1.5"),
                Arguments.of("{" + id + ", 'model': 'p', 'score': -1.01}", "score", "got -1.01"),
                Arguments.of("{" + id + ", 'model': 'p', 'score': 'good'}", "score", "must be a number"),
                Arguments.of("{" + id + ", 'model': 'p', 'score': 1, 'rating': 'up'}", "rating", "not both"),
                Arguments.of("{" + id + ", 'model': 'p', 'rating': 'meh'}", "rating", "\"up\" or \"down\""),
                Arguments.of("{" + id + ", 'model': 'p', 'rating': 1}", "rating", "must be a string"),
                Arguments.of("{" + id + ", 'model': 'p', 'score': 1, 'choice': -1}", "choice", "must be in"),
                Arguments.of("{" + id + ", 'model': 'p', 'score': 1, 'preferred_completion': 3}",
                        "preferred_completion", "must be a string"),
                Arguments.of("{" + id + ", 'model': 'p', 'score': 1, 'preferred_completion': ''}",
                        "preferred_completion", "1.."),
                Arguments.of("{" + id + ", 'model': 'p', 'score': 1, 'comment': 'x'}", "comment", "Unrecognized"));
    }

    @ParameterizedTest
    @MethodSource("badFeedback")
    void shouldRefuseABadFeedbackFieldNamingIt(String body, String param, String message) throws Exception {
        ApiError error = catchThrowableOfType(ApiError.class, () -> FeedbackRequests.parse(json(body)));

        assertThat(error).as(body).isNotNull();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.getMessage()).contains(message);
    }
}
