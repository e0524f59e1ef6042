package ai.mint.serde.json;

import ai.mint.events.PolicySpec;
import ai.mint.events.SamplingParams;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonAvroConverterTest {

    private static final Schema POLICY = PolicySpec.getClassSchema();

    private final JsonAvroConverter converter = new JsonAvroConverter();

    static List<TopicSpec> topics() {
        return Topics.CONTRACT;
    }

    @ParameterizedTest
    @MethodSource("topics")
    void shouldRoundTripEverySampleEventThroughJson(TopicSpec topic) throws IOException {
        SpecificRecord sample = SampleEvents.sample(topic, "policy-a");
        String json = converter.toJson((GenericRecord) sample);

        GenericRecord parsed = converter.fromJson(json, sample.getSchema());

        assertThat(converter.toJson(parsed)).isEqualTo(json);
        // the generic record built from JSON encodes to exactly the bytes of the generated one
        assertThat(genericBytes(parsed)).isEqualTo(specificBytes(sample));
    }

    @ParameterizedTest
    @MethodSource("topics")
    void shouldGiveTheSameDocumentAsTreeAndAsLine(TopicSpec topic) {
        SpecificRecord sample = SampleEvents.sample(topic, "policy-t");

        var tree = converter.toJsonTree(sample);

        List<String> names = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(
                sample.getSchema().getFields().stream().map(Schema.Field::name).toList());
        assertThat(tree.toString()).isEqualTo(converter.toJson((GenericRecord) sample));
    }

    @Test
    void shouldWriteUnionsPlainEnumsAsSymbolsAndTimestampsAsInstants() {
        PolicySpec sample = (PolicySpec) SampleEvents.sample(Topics.POLICY_SPECS, "policy-a");
        String json = converter.toJson(sample);

        assertThat(json).contains("\"status\":\"ACTIVE\"")
                .contains("\"time\":\"" + sample.getTime() + "\"")
                .contains("\"gate\":{\"metric\":\"mean_reward\"");
    }

    @Test
    void shouldFillMissingFieldsWithTheirDefaults() {
        GenericRecord sampling = converter.fromJson("{\"max_tokens\": 16, \"temperature\": 0}",
                SamplingParams.getClassSchema());

        assertThat(sampling.get("top_p")).isEqualTo(1.0);
        assertThat(sampling.get("seed")).isNull();
        assertThat((List<?>) sampling.get("stop")).isEmpty();
        assertThat(sampling.get("temperature")).isEqualTo(0.0);
    }

    @Test
    void shouldAcceptTimestampsAsEpochMillisOrIsoInstants() {
        String iso = minimalPolicy("\"2026-01-31T12:00:00.250Z\"");
        String millis = minimalPolicy(Long.toString(Instant.parse("2026-01-31T12:00:00.250Z").toEpochMilli()));

        assertThat(converter.fromJson(iso, POLICY)).isEqualTo(converter.fromJson(millis, POLICY));
        assertThat(converter.fromJson(iso, POLICY).get("time")).isEqualTo(1769860800250L);
    }

    @Test
    void shouldNameTheFieldPathOfAWrongType() {
        String json = minimalPolicy("0").replace("\"rank\":8", "\"rank\":\"eight\"");
        assertThatThrownBy(() -> converter.fromJson(json, POLICY))
                .isInstanceOf(JsonConversionException.class)
                .hasMessage("lora.rank: expected int, got \"eight\"");
    }

    @Test
    void shouldNameTheFieldPathInsideOptionalRecordsAndArrays() {
        String json = minimalPolicy("0").replace("}}", "},\"training\":{\"prompts\":[\"a\",7],\"group_size\":4,"
                + "\"steps\":1,\"learning_rate\":0.1,\"max_tokens\":8,\"temperature\":1,\"kl_coef\":0,\"seed\":1}}");
        assertThatThrownBy(() -> converter.fromJson(json, POLICY))
                .hasMessage("training.prompts[1]: expected string, got 7");
    }

    @Test
    void shouldReportMissingRequiredAndUnknownFields() {
        assertThatThrownBy(() -> converter.fromJson(minimalPolicy("0").replace("\"base_model\":\"m\",", ""), POLICY))
                .hasMessage("base_model: missing required field (string)");
        assertThatThrownBy(() -> converter.fromJson(minimalPolicy("0").replace("\"rank\":8", "\"rank\":8,\"rnak\":8"),
                POLICY))
                .hasMessageStartingWith("lora.rnak: unknown field of LoraSpec");
    }

    @Test
    void shouldRejectUnknownEnumSymbolsAndBadTimestamps() {
        assertThatThrownBy(() -> converter.fromJson(minimalPolicy("0").replace("}}", "},\"status\":\"PAUSED\"}"),
                POLICY))
                .hasMessage("status: expected one of [ACTIVE, STOPPED], got \"PAUSED\"");
        assertThatThrownBy(() -> converter.fromJson(minimalPolicy("\"yesterday\""), POLICY))
                .hasMessageStartingWith("time: expected timestamp");
    }

    @Test
    void shouldRejectNullForARequiredFieldAndInvalidJson() {
        assertThatThrownBy(() -> converter.fromJson(minimalPolicy("0").replace("\"m\"", "null"), POLICY))
                .hasMessage("base_model: expected string, got null");
        assertThatThrownBy(() -> converter.fromJson("{\"event_id\": ", POLICY))
                .isInstanceOf(JsonConversionException.class)
                .hasMessageStartingWith("<record>: not valid JSON");
    }

    @Test
    void shouldReadBytesAsBase64() {
        String json = converter.toJson((GenericRecord) SampleEvents.sample(Topics.DEAD_LETTER, "p"));
        assertThat(json).contains("\"value\":\"AAAAAAcCeA==\"");
        assertThatThrownBy(() -> converter.fromJson(json.replace("AAAAAAcCeA==", "not base64!"),
                SampleEvents.sample(Topics.DEAD_LETTER, "p").getSchema()))
                .hasMessage("value: expected bytes (base64), got \"not base64!\"");
    }

    /** The smallest valid PolicySpec: required fields only, the LoRA spec last so tests can extend it. */
    private static String minimalPolicy(String time) {
        return "{\"event_id\":\"e1\",\"policy_id\":\"p\",\"time\":" + time + ",\"base_model\":\"m\","
                + "\"reward_spec\":\"{}\",\"lora\":{\"rank\":8,\"alpha\":16,\"target_modules\":[\"q_proj\"]}}";
    }

    private static byte[] genericBytes(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema(), GenericData.get()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] specificBytes(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema(), SpecificData.getForClass(record.getClass()))
                .write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
