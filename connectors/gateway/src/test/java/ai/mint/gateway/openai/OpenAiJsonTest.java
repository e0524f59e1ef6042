package ai.mint.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.completions.Completion;
import com.openai.models.models.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the gateway writes, read back with the official OpenAI SDK's own models and validated by it. */
class OpenAiJsonTest {

    private static final ObjectMapper SDK = ObjectMappers.jsonMapper();
    private static final Choice CHOICE = new Choice(0, "Hello", List.of("Hel", "lo"), List.of(-0.5f, -0.25f),
            "stop", "rev-3", 4, 2);

    @Test
    void shouldWriteACompletionTheSdkReads() throws Exception {
        String json = OpenAiJson.completion("cmpl-1", 1700000000L, "p@rev-3", List.of(CHOICE), true,
                OpenAiJson.Usage.of(List.of(CHOICE), 1)).toString();

        Completion completion = SDK.readValue(json, Completion.class).validate();
        assertThat(completion.model()).isEqualTo("p@rev-3");
        assertThat(completion.choices().get(0).text()).isEqualTo("Hello");
        assertThat(completion.choices().get(0).logprobs().orElseThrow().tokens().orElseThrow())
                .containsExactly("Hel", "lo");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(6);
    }

    @Test
    void shouldWriteAChatCompletionAndItsChunksTheSdkReads() throws Exception {
        String json = OpenAiJson.chatCompletion("chatcmpl-1", 1700000000L, "p@rev-3", List.of(CHOICE), true,
                OpenAiJson.Usage.of(List.of(CHOICE), 1)).toString();
        ChatCompletion chat = SDK.readValue(json, ChatCompletion.class).validate();
        assertThat(chat.choices().get(0).message().content()).hasValue("Hello");
        assertThat(chat.choices().get(0).logprobs().orElseThrow().content().orElseThrow().get(1).logprob())
                .isEqualTo(-0.25);
        assertThat(chat.usage().orElseThrow().promptTokens()).isEqualTo(4);

        ChatCompletionChunk role = SDK.readValue(OpenAiJson.chatChunk("c", 1, "p@rev-3", 0, "assistant", null,
                false, null).toString(), ChatCompletionChunk.class).validate();
        ChatCompletionChunk content = SDK.readValue(OpenAiJson.chatChunk("c", 1, "p@rev-3", 0, null, CHOICE,
                false, null).toString(), ChatCompletionChunk.class).validate();
        ChatCompletionChunk end = SDK.readValue(OpenAiJson.chatChunk("c", 1, "p@rev-3", 0, null, null, false,
                "stop").toString(), ChatCompletionChunk.class).validate();
        assertThat(role.choices().get(0).delta().role()).isPresent();
        assertThat(content.choices().get(0).delta().content()).hasValue("Hello");
        assertThat(end.choices().get(0).finishReason()).isPresent();
    }

    @Test
    void shouldWriteAModelTheSdkReads() throws Exception {
        Model model = SDK.readValue(OpenAiJson.model("p", 1700000000L, "acme", "rev-3").toString(), Model.class)
                .validate();
        assertThat(model.id()).isEqualTo("p");
        assertThat(model.ownedBy()).isEqualTo("acme");
        assertThat(model._additionalProperties().get("serving_revision").toString()).contains("rev-3");
    }
}
