package ai.mint.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.InferenceResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChoiceTest {

    private static InferenceResponse response(List<String> tokens, String finish) {
        return InferenceResponse.newBuilder().setEventId("e").setPolicyId("p").setTime(Instant.EPOCH)
                .setRequestId("r").setRevision("rev-1").setWorkerId("w").setCompletionText(String.join("", tokens))
                .setCompletionTokens(tokens.stream().map(t -> t.length()).toList())
                .setCompletionTokenTexts(tokens)
                .setLogprobs(tokens.stream().map(t -> -0.1f * t.length()).toList())
                .setFinishReason(finish).setLatencyMs(1).setPromptTokens(3).build();
    }

    @Test
    void shouldKeepTheWholeCompletionWithoutStopSequences() {
        Choice c = Choice.of(2, response(List.of("Hel", "lo", " wor", "ld"), "length"), List.of());
        assertThat(c.text()).isEqualTo("Hello world");
        assertThat(c.completionTokens()).isEqualTo(4);
        assertThat(c.finishReason()).isEqualTo("length");
        assertThat(c.index()).isEqualTo(2);
        assertThat(c.revision()).isEqualTo("rev-1");
    }

    @Test
    void shouldCutBeforeTheEarliestStopSequenceAndKeepOnlyTheTokensBeforeIt() {
        Choice c = Choice.of(0, response(List.of("Hel", "lo", " wor", "ld", "!"), "length"), List.of("ld", "o w"));

        assertThat(c.text()).isEqualTo("Hell");
        assertThat(c.finishReason()).isEqualTo("stop");
        // the kept tokens are those starting before the cut; their text covers the kept completion
        assertThat(c.tokens()).containsExactly("Hel", "lo");
        assertThat(String.join("", c.tokens())).startsWith(c.text());
        assertThat(c.logprobs()).hasSize(2);
        assertThat(c.completionTokens()).isEqualTo(2);
    }

    @Test
    void shouldCountEveryTokenWhenTheWorkerSentNoTokenTexts() {
        InferenceResponse old = InferenceResponse.newBuilder(response(List.of("ab", "cd"), "stop"))
                .setCompletionTokenTexts(List.of()).build();
        Choice c = Choice.of(0, old, List.of("c"));
        assertThat(c.text()).isEqualTo("ab");
        assertThat(c.tokens()).isEmpty();
        assertThat(c.completionTokens()).isEqualTo(2);
    }
}
