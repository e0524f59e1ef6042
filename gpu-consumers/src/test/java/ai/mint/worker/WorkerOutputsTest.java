package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.Metric;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the worker's sends go, and how a reply topic whose client has gone stops costing a wait per answer. */
class WorkerOutputsTest {

    private static final Serializer<SpecificRecord> NONE = (topic, value) -> new byte[0];
    private static final String GONE = Topics.inferenceReplies("gone-client").name();
    private static final String STAYING = Topics.inferenceReplies("staying-client").name();

    private final MockProducer<String, SpecificRecord> platform =
            new MockProducer<>(true, null, new StringSerializer(), NONE);
    private final MockProducer<String, SpecificRecord> replies =
            new MockProducer<>(false, null, new StringSerializer(), NONE);
    private final WorkerOutputs outputs = new WorkerOutputs(platform, replies, "w", 1024);

    @AfterEach
    void close() {
        outputs.close();
    }

    private static Metric event() {
        return Metric.newBuilder().setEventId("m").setPolicyId("p").setTime(Instant.EPOCH).setName("reward")
                .setValue(1).setTags(Map.of()).setSource("w").build();
    }

    @Test
    void shouldSendPerClientRepliesThroughTheReplyProducerAndTheRestThroughThePlatformOne() throws Exception {
        outputs.sendAsync(Topics.METRICS.name(), "p", event()).get(5, TimeUnit.SECONDS);
        CompletableFuture<RecordMetadata> reply = outputs.sendAsync(STAYING, "p", event());
        replies.completeNext();

        reply.get(5, TimeUnit.SECONDS);
        assertThat(platform.history()).extracting(r -> r.topic()).containsExactly(Topics.METRICS.name());
        assertThat(replies.history()).extracting(r -> r.topic()).containsExactly(STAYING);
    }

    @Test
    void shouldFailAtOnceEveryLaterAnswerToAReplyTopicThatProvedGoneAndNoOther() {
        CompletableFuture<RecordMetadata> first = outputs.sendAsync(GONE, "p", event());
        replies.errorNext(new TimeoutException("Topic " + GONE + " not present in metadata after 2000 ms."));
        assertThat(first).failsWithin(5, TimeUnit.SECONDS);

        CompletableFuture<RecordMetadata> later = outputs.sendAsync(GONE, "p", event());
        var laterSync = outputs.send(GONE, "p", event());
        CompletableFuture<RecordMetadata> other = outputs.sendAsync(STAYING, "p", event());
        replies.completeNext();

        assertThat(later).isCompletedExceptionally();
        assertThat(laterSync.isDone()).isTrue();
        assertThat(other).succeedsWithin(5, TimeUnit.SECONDS);
        // the later answers never reached the producer, so they could not wait for the gone topic's metadata
        assertThat(replies.history()).extracting(r -> r.topic()).containsExactly(GONE, STAYING);
    }

    @Test
    void shouldKeepWritingAReplyTopicWhoseSendFailedForAnotherReason() {
        CompletableFuture<RecordMetadata> first = outputs.sendAsync(STAYING, "p", event());
        replies.errorNext(new TimeoutException("Expiring 1 record(s) for " + STAYING + "-0: 30001 ms has passed"));
        assertThat(first).failsWithin(5, TimeUnit.SECONDS);

        CompletableFuture<RecordMetadata> again = outputs.sendAsync(STAYING, "p", event());
        replies.completeNext();

        assertThat(again).succeedsWithin(5, TimeUnit.SECONDS);
        assertThat(replies.history()).hasSize(2);
    }
}
