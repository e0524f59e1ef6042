package ai.mint.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CompletionRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CompletionJob.Limits LIMITS = new CompletionJob.Limits(64, 4, 3);

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void shouldReadEverySupportedCompletionField() throws Exception {
        CompletionJob job = CompletionRequests.completion(json("{'model': 'p1@rev-2', 'prompt': ['a', 'b'],"
                + " 'max_tokens': 7, 'temperature': 0.5, 'top_p': 0.9, 'n': 2, 'stop': 'x', 'seed': 11,"
                + " 'stream': true, 'stream_options': {'include_usage': true}, 'logprobs': 0, 'user': 'u',"
                + " 'presence_penalty': 0}"), LIMITS);

        assertThat(job.model()).isEqualTo(new ModelRef("p1", "rev-2"));
        assertThat(job.prompts()).containsExactly("a", "b");
        assertThat(job.sampling()).isEqualTo(new CompletionJob.Sampling(7, 0.5, 0.9, 11L, List.of("x")));
        assertThat(job.n()).isEqualTo(2);
        assertThat(job.choices()).isEqualTo(4);
        assertThat(job.stream()).isTrue();
        assertThat(job.includeUsage()).isTrue();
        assertThat(job.logprobs()).isTrue();
    }

    @Test
    void shouldTurnChatMessagesIntoOnePromptThroughTheTemplate() throws Exception {
        CompletionJob job = CompletionRequests.chat(json("{'model': 'p1', 'messages': [{'role': 'system', 'content':"
                + " 'Be terse.'}, {'role': 'user', 'content': [{'type': 'text', 'text': 'Hi'}, {'type': 'text',"
                + " 'text': ' there'}]}], 'max_completion_tokens': 5}"), LIMITS);

        assertThat(job.prompts()).containsExactly("<|system|>\nBe terse.\n<|user|>\nHi there\n<|assistant|>\n");
        assertThat(job.sampling().maxTokens()).isEqualTo(5);
        assertThat(job.sampling().temperature()).isEqualTo(1.0);
        assertThat(job.n()).isEqualTo(1);
        assertThat(job.model().revision()).isNull();
    }

    static Stream<Arguments> badCompletions() {
        return Stream.of(
                Arguments.of("{'prompt': 'a'}", "model", "'model' is required"),
                Arguments.of("{'model': 7, 'prompt': 'a'}", "model", "must be a string"),
                Arguments.of("{'model': '@x', 'prompt': 'a'}", "model", "POLICY@REVISION"),
                Arguments.of("{'model': 'p'}", "prompt", "'prompt' is required"),
                Arguments.of("{'model': 'p', 'prompt': [1, 2]}", "prompt", "token ids"),
                Arguments.of("{'model': 'p', 'prompt': ['a', 'b', 'c', 'd']}", "prompt", "at most 3"),
                Arguments.of("{'model': 'p', 'prompt': ''}", "prompt", "empty string"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'temperature': 'hot'}", "temperature",
                        "must be a number, got the string \"hot\""),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'temperature': 2.5}", "temperature", "[0.0, 2.0]"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'top_p': 0}", "top_p", "(0.0, 1.0]"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'max_tokens': 0}", "max_tokens", "1..64"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'max_tokens': 65}", "max_tokens", "1..64"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'max_tokens': 2.5}", "max_tokens", "an integer"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'n': 5}", "n", "1..4"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'stop': ['a', 'b', 'c', 'd', 'e']}", "stop", "at most 4"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'stop': 3}", "stop", "a string or an array"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'seed': 'x'}", "seed", "an integer"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'stream': 'yes'}", "stream", "true or false"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'stream_options': {}}", "stream_options", "stream: true"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'logprobs': 3}", "logprobs", "only 0"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'echo': true}", "echo", "not supported"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'frequency_penalty': 1}", "frequency_penalty",
                        "not supported"),
                Arguments.of("{'model': 'p', 'prompt': 'a', 'tempreature': 1}", "tempreature", "Unrecognized"));
    }

    @ParameterizedTest
    @MethodSource("badCompletions")
    void shouldRefuseABadCompletionFieldNamingIt(String body, String param, String message) throws Exception {
        ApiError error = catchThrowableOfType(ApiError.class,
                () -> CompletionRequests.completion(json(body), LIMITS));
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.getMessage()).contains(message);
    }

    static Stream<Arguments> badChats() {
        return Stream.of(
                Arguments.of("{'model': 'p'}", "messages", "'messages' is required"),
                Arguments.of("{'model': 'p', 'messages': []}", "messages", "non-empty"),
                Arguments.of("{'model': 'p', 'messages': ['hi']}", "messages[0]", "an object"),
                Arguments.of("{'model': 'p', 'messages': [{'role': 'tool', 'content': 'x'}]}", "messages[0].role",
                        "not supported"),
                Arguments.of("{'model': 'p', 'messages': [{'role': 'user'}]}", "messages[0].content", "required"),
                Arguments.of("{'model': 'p', 'messages': [{'role': 'user', 'content': [{'type': 'image_url'}]}]}",
                        "messages[0].content", "only text"),
                Arguments.of("{'model': 'p', 'messages': [{'role': 'user', 'content': 'x', 'tool_calls': []}]}",
                        "messages[0].tool_calls", "not supported"),
                Arguments.of("{'model': 'p', 'messages': [{'role': 'user', 'content': 'x'}], 'max_tokens': 1,"
                        + " 'max_completion_tokens': 1}", "max_completion_tokens", "not both"),
                Arguments.of("{'model': 'p', 'messages': [{'role': 'user', 'content': 'x'}], 'top_logprobs': 2}",
                        "top_logprobs", "only 0"),
                Arguments.of("{'model': 'p', 'messages': [{'role': 'user', 'content': 'x'}], 'tools': []}", "tools",
                        "Unrecognized"));
    }

    @ParameterizedTest
    @MethodSource("badChats")
    void shouldRefuseABadChatFieldNamingIt(String body, String param, String message) throws Exception {
        ApiError error = catchThrowableOfType(ApiError.class, () -> CompletionRequests.chat(json(body), LIMITS));
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.getMessage()).contains(message);
    }

    @Test
    void shouldRefuseABodyThatIsNotAnObject() throws Exception {
        ApiError error = catchThrowableOfType(ApiError.class, () -> CompletionRequests.completion(json("[1]"), LIMITS));
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.getMessage()).contains("JSON object");
    }
}
