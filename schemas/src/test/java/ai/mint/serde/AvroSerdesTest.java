package ai.mint.serde;

import ai.mint.events.PolicySpec;
import ai.mint.registry.IncompatibleSchemaException;
import ai.mint.registry.InMemorySchemaRegistry;
import ai.mint.serde.json.JsonAvroConverter;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import ai.mint.topics.Topics;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdesTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    static List<TopicSpec> topics() {
        return Topics.CONTRACT;
    }

    @ParameterizedTest
    @MethodSource("topics")
    void shouldRoundTripTheSampleEventOfEveryTopic(TopicSpec topic) {
        SpecificRecord sample = SampleEvents.sample(topic, "policy-a");
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) TopicTypes.valueClass(topic);
        Serde<SpecificRecord> serde = AvroSerdes.specific(type, registry);

        byte[] bytes = serde.serializer().serialize(topic.name(), sample);

        int registeredId = registry.lookup(topic.valueSubject(), TopicTypes.valueSchema(topic)).orElseThrow();
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);
        assertThat(registry.schemaById(registeredId)).isEqualTo(sample.getSchema());
        assertThat(serde.deserializer().deserialize(topic.name(), bytes)).isEqualTo(sample);
    }

    @ParameterizedTest
    @MethodSource("topics")
    void shouldReadEveryEventAsGenericRecordWithTheSameContent(TopicSpec topic) {
        SpecificRecord sample = SampleEvents.sample(topic, "policy-b");
        byte[] bytes = new AvroEventSerializer<>(registry).serialize(topic.name(), sample);

        GenericRecord generic = AvroSerdes.generic(registry).deserializer().deserialize(topic.name(), bytes);

        JsonAvroConverter json = new JsonAvroConverter();
        assertThat(generic.getSchema().getFullName()).isEqualTo(topic.valueRecord());
        assertThat(json.toJson(generic)).isEqualTo(json.toJson((GenericRecord) sample));
        // and a generic record written back reads as the original event, under the same schema id
        byte[] rewritten = AvroSerdes.generic(registry).serializer().serialize(topic.name(), generic);
        assertThat(Arrays.copyOf(rewritten, WireFormat.HEADER_LENGTH))
                .isEqualTo(Arrays.copyOf(bytes, WireFormat.HEADER_LENGTH));
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) TopicTypes.valueClass(topic);
        assertThat(AvroSerdes.specific(type, registry).deserializer().deserialize(topic.name(), rewritten))
                .isEqualTo(sample);
    }

    @Test
    void shouldFillDefaultsWhenReadingAnEventWrittenWithAnOlderSchema() {
        Schema current = PolicySpec.getClassSchema();
        Schema older = withoutField(current, "labels");
        GenericRecord oldEvent = new GenericData.Record(older);
        PolicySpec sample = (PolicySpec) SampleEvents.sample(Topics.POLICY_SPECS, "p");
        for (Schema.Field field : older.getFields()) {
            oldEvent.put(field.name(), GenericData.get().deepCopy(field.schema(),
                    toGeneric(sample, current).get(field.name())));
        }
        byte[] bytes = AvroSerdes.generic(registry).serializer().serialize(Topics.POLICY_SPECS.name(), oldEvent);

        PolicySpec read = AvroSerdes.specific(PolicySpec.class, registry).deserializer()
                .deserialize(Topics.POLICY_SPECS.name(), bytes);

        assertThat(read.getLabels()).isEmpty();
        assertThat(read.getLora()).isEqualTo(sample.getLora());
        assertThat(read.getTime()).isEqualTo(sample.getTime());
        assertThat(registry.versions(Topics.POLICY_SPECS.valueSubject())).hasSize(1);
    }

    @Test
    void shouldRefuseToWriteWithASchemaThatBreaksTheSubject() {
        String topic = Topics.METRICS.name();
        AvroSerdes.generic(registry).serializer().serialize(topic, metric(SchemaBuilder.record("Metric")
                .namespace("ai.mint.events").fields().requiredString("name").endRecord()));
        Schema breaking = SchemaBuilder.record("Metric").namespace("ai.mint.events").fields()
                .requiredString("name").requiredDouble("value").endRecord();

        assertThatThrownBy(() -> AvroSerdes.generic(registry).serializer().serialize(topic, metric(breaking)))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("mint.metrics-value")
                .hasMessageContaining("Metric.value");
    }

    @Test
    void shouldRegisterKeysUnderTheKeySubject() {
        SpecificRecord sample = SampleEvents.sample(Topics.METRICS, "p");
        new AvroEventSerializer<>(registry, true).serialize(Topics.METRICS.name(), sample);
        assertThat(registry.subjects()).containsExactly(Topics.METRICS.keySubject());
    }

    @Test
    void shouldConfigureFromKafkaPropertiesByClassName() {
        String url = "mock://serdes-config-test";
        AvroEventSerializer<SpecificRecord> serializer = new AvroEventSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url), false);
        AvroEventDeserializer<SpecificRecord> deserializer = new AvroEventDeserializer<>();
        deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.SPECIFIC_TYPE, PolicySpec.class.getName()), false);
        SpecificRecord sample = SampleEvents.sample(Topics.POLICY_SPECS, "p");

        SpecificRecord read = deserializer.deserialize("t", serializer.serialize("t", sample));

        assertThat(read).isInstanceOf(PolicySpec.class).isEqualTo(sample);
    }

    private static GenericRecord metric(Schema schema) {
        GenericRecord record = new GenericData.Record(schema);
        schema.getFields().forEach(f -> record.put(f.name(), f.schema().getType() == Schema.Type.STRING ? "x" : 1.0));
        return record;
    }

    private static GenericRecord toGeneric(SpecificRecord record, Schema schema) {
        JsonAvroConverter json = new JsonAvroConverter();
        return json.fromJson(json.toJson((GenericRecord) record), schema);
    }

    private static Schema withoutField(Schema schema, String dropped) {
        List<Schema.Field> fields = schema.getFields().stream().filter(f -> !f.name().equals(dropped))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
