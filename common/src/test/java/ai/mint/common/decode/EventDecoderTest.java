package ai.mint.common.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.events.Metric;
import ai.mint.registry.InMemorySchemaRegistry;
import ai.mint.registry.OutageRegistry;
import ai.mint.registry.RegistryUnavailableException;
import ai.mint.registry.UnknownSchemaIdException;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.serde.MalformedEventException;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Bad input becomes a rejection naming why; a registry outage is retried and never becomes one. */
class EventDecoderTest {

    private static final String TOPIC = Topics.METRICS.name();
    private static final String P = "policy-1";
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4),
            Duration.ofSeconds(5));

    private final OutageRegistry registry = new OutageRegistry(new InMemorySchemaRegistry());
    private final AvroEventSerializer<SpecificRecord> serializer = new AvroEventSerializer<>(registry);
    private final EventDecoder<Metric> decoder = EventDecoder.of(registry, Metric.class, FAST);

    private byte[] metricBytes() {
        return serializer.serialize(TOPIC, SampleEvents.sample(Topics.METRICS, P));
    }

    @Test
    void shouldDecodeAnEventKeyedByItsPolicy() {
        DecodeResult<Metric> result = decoder.decode(TOPIC, P, metricBytes());

        assertThat(result.ok()).isTrue();
        assertThat(result.event().getPolicyId()).isEqualTo(P);
        assertThat(result.errorClass()).isNull();
    }

    @Test
    void shouldRejectEveryKindOfBadInputNamingWhy() {
        byte[] good = metricBytes();
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 7;
        byte[] unknownId = ByteBuffer.allocate(good.length).put(good).putInt(1, 9999).array();
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] otherType = serializer.serialize(Topics.ROLLOUT_REQUESTS.name(),
                SampleEvents.sample(Topics.ROLLOUT_REQUESTS, P));

        assertRejected(decoder.decode(TOPIC, P, wrongMagic), DecodeResult.UNDESERIALIZABLE, "wrong magic byte 0x07");
        assertRejected(decoder.decode(TOPIC, P, new byte[] {0, 0}), DecodeResult.UNDESERIALIZABLE, "too short");
        assertRejected(decoder.decode(TOPIC, P, unknownId), DecodeResult.UNDESERIALIZABLE, "unknown schema id 9999");
        assertRejected(decoder.decode(TOPIC, P, truncated), DecodeResult.UNDESERIALIZABLE, "does not decode");
        assertRejected(decoder.decode(TOPIC, P, otherType), DecodeResult.UNDESERIALIZABLE, "RolloutRequest");
        assertRejected(decoder.decode(TOPIC, P, null), DecodeResult.UNDESERIALIZABLE, "null value");
        assertRejected(decoder.decode(TOPIC, "someone-else", good), DecodeResult.KEY_MISMATCH,
                "record key 'someone-else' is not its policy_id 'policy-1'");
        assertRejected(decoder.decode(TOPIC, null, good), DecodeResult.KEY_MISMATCH, "record key 'null'");
        assertThat(registry.refused()).isZero();
    }

    /** A reply topic carries a streamed request's chunks and then its response: the schema id picks the class. */
    @Test
    void shouldReadEachOfSeveralTypesIntoItsOwnClassAndRejectOthers() {
        EventDecoder<SpecificRecord> replies = EventDecoder.oneOf(registry,
                java.util.List.of(ai.mint.events.InferenceResponse.class, ai.mint.events.InferenceChunk.class), FAST);
        String topic = Topics.inferenceReplies("gw").name();
        byte[] chunk = serializer.serialize(topic, SampleEvents.sample(Topics.INFERENCE_CHUNKS, P));
        byte[] response = serializer.serialize(topic, SampleEvents.sample(Topics.INFERENCE_RESPONSES, P));

        assertThat(replies.decode(topic, P, chunk).event()).isInstanceOf(ai.mint.events.InferenceChunk.class);
        assertThat(replies.decode(topic, P, response).event()).isInstanceOf(ai.mint.events.InferenceResponse.class);
        assertRejected(replies.decode(topic, P, metricBytes()), DecodeResult.UNDESERIALIZABLE,
                "is a ai.mint.events.Metric, not one of the types this topic carries");
    }

    @Test
    void shouldNotCheckTheKeyWhenToldNotTo() {
        EventDecoder<Metric> unkeyed = new EventDecoder<>(new ai.mint.serde.AvroEventDeserializer<>(registry,
                Metric.class), null, FAST);

        assertThat(unkeyed.decode(TOPIC, "anything", metricBytes()).ok()).isTrue();
    }

    @Test
    void shouldRetryARegistryOutageInPlaceAndDecodeOnceItIsBack() {
        byte[] bytes = metricBytes();
        registry.failNext(3);

        DecodeResult<Metric> result = decoder.decode(TOPIC, P, bytes);

        assertThat(result.ok()).isTrue();
        assertThat(registry.refused()).isEqualTo(3);
    }

    @Test
    void shouldThrowRetriableInsteadOfRejectingWhenTheOutageOutlastsTheTimeout() {
        byte[] bytes = metricBytes();
        registry.down();
        EventDecoder<Metric> impatient = EventDecoder.of(registry, Metric.class,
                new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(30)));

        assertThatThrownBy(() -> impatient.decode(TOPIC, P, bytes))
                .isInstanceOf(RetriableDecodeException.class)
                .hasMessageContaining("kept and retried, not dead-lettered")
                .hasMessageContaining("connection refused");
        assertThat(registry.refused()).isGreaterThan(1);

        registry.up();
        assertThat(impatient.decode(TOPIC, P, bytes).ok()).isTrue();
    }

    @Test
    void shouldTellPlatformFailuresFromBadInput() {
        RegistryUnavailableException down = new RegistryUnavailableException("http://r", "connection refused", null);

        assertThat(Failures.isRetriable(down)).isTrue();
        assertThat(Failures.isRetriable(new SerializationException("cannot register", down))).isTrue();
        assertThat(Failures.isRetriable(new TimeoutException("metadata"))).isTrue();
        assertThat(Failures.isRetriable(new MalformedEventException(TOPIC, "unknown schema id 3", new byte[0],
                new UnknownSchemaIdException(3, "http://r")))).isFalse();
        assertThat(Failures.isRetriable(new IllegalStateException("bug"))).isFalse();
        assertThat(Failures.isRetriable(new ai.mint.registry.IncompatibleSchemaException("s",
                java.util.List.of("no")))).isFalse();
    }

    private static void assertRejected(DecodeResult<?> result, String errorClass, String reasonPart) {
        assertThat(result.ok()).isFalse();
        assertThat(result.errorClass()).isEqualTo(errorClass);
        assertThat(result.reason()).contains(reasonPart);
    }
}
