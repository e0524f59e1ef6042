package ai.mint.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.InferenceResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamedTextTest {

    @Test
    void shouldSendChunksInIndexOrderAndTheFinalTextsRest() {
        StreamedText text = new StreamedText(List.of());

        assertThat(text.accept(0, "Hel")).isEqualTo("Hel");
        assertThat(text.accept(1, "lo, ")).isEqualTo("lo, ");
        assertThat(text.accept(2, "world")).isEqualTo("world");
        assertThat(text.rest("Hello, world")).isEmpty();
        assertThat(text.started()).isTrue();
    }

    @Test
    void shouldDropChunksAlreadySentWhenARedeliveredRequestIsAnsweredAgain() {
        StreamedText text = new StreamedText(List.of());
        String sent = text.accept(0, "a") + text.accept(1, "b") + text.accept(2, "c");

        // the request was redelivered: another worker answers it from index 0
        sent += text.accept(0, "a") + text.accept(1, "b") + text.accept(2, "c") + text.accept(3, "d");
        sent += text.accept(3, "d") + text.rest("abcde");

        assertThat(sent).isEqualTo("abcde");
    }

    @Test
    void shouldWaitForTheFinalResponseAfterAGap() {
        StreamedText text = new StreamedText(List.of());

        assertThat(text.accept(0, "one ")).isEqualTo("one ");
        assertThat(text.accept(2, "three ")).isEmpty(); // chunk 1 never came
        assertThat(text.accept(3, "four")).isEmpty();
        assertThat(text.rest("one two three four")).isEqualTo("two three four");
    }

    /** What is streamed concatenates to the non-streamed, stop-cut text (Choice.of) and never passes the cut. */
    @Test
    void shouldHoldBackWhatMayStartAStopSequenceAndNeverSendPastIt() {
        List<String> stop = List.of("\n\n", "END");
        List<String> deltas = List.of("It is", " E", "N", "D", " here");
        StreamedText text = new StreamedText(stop);
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < deltas.size(); i++) {
            sent.append(text.accept(i, deltas.get(i)));
        }
        String cut = Choice.of(0, InferenceResponse.newBuilder().setEventId("e").setPolicyId("p")
                .setTime(Instant.EPOCH).setRequestId("r").setRevision("rev").setWorkerId("w")
                .setCompletionText(String.join("", deltas)).setCompletionTokens(List.of(1, 2, 3, 4, 5))
                .setFinishReason("length").setLatencyMs(1).setPromptTokens(1).build(), stop).text();
        String beforeFinal = sent.toString();
        sent.append(text.rest(cut));

        assertThat(cut).isEqualTo("It is ");
        assertThat(beforeFinal).isEqualTo("It is "); // "END" itself and what follows it were never sent
        assertThat(sent.toString()).isEqualTo(cut);
    }

    @Test
    void shouldSendTextThatTurnedOutNotToBeAStopSequence() {
        StreamedText text = new StreamedText(List.of("END"));

        assertThat(text.accept(0, "a BE")).isEqualTo("a "); // the last two characters could start END
        assertThat(text.accept(1, "ST!")).isEqualTo("BES");
        assertThat(text.rest("a BEST!")).isEqualTo("T!");
    }

    @Test
    void shouldNotSplitASurrogatePair() {
        StreamedText text = new StreamedText(List.of("xy"));

        assertThat(text.accept(0, "ok \uD83D\uDE00")).isEqualTo("ok ");
        assertThat(text.accept(1, "!")).isEqualTo("\uD83D\uDE00");
    }
}
