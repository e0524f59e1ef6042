package ai.mint.connect.converter;

import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.serde.WireFormat;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import ai.mint.topics.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every event type of the platform survives Avro -> Connect -> Avro through the converter: the bytes it writes back
 * decode to an event equal to the original, under the same schema id (so a connector adds no schema version).
 */
class MintAvroConverterTest {

    private static final String REGISTRY = "mock://converter-test";

    private MintAvroConverter converter;

    @BeforeEach
    void configure() {
        converter = new MintAvroConverter();
        converter.configure(Map.of(MintAvroConverterConfig.SCHEMA_REGISTRY_URL, REGISTRY), false);
    }

    @AfterEach
    void dropRegistry() {
        SchemaRegistryClients.dropMock(REGISTRY);
    }

    static List<TopicSpec> topics() {
        return Topics.ALL;
    }

    @ParameterizedTest
    @MethodSource("topics")
    void shouldRoundTripEveryEventTypeWithTheSameSchemaId(TopicSpec topic) {
        SpecificRecord event = SampleEvents.sample(topic, "p1");
        byte[] written = new AvroEventSerializer<SpecificRecord>(SchemaRegistryClients.fromUrl(REGISTRY))
                .serialize(topic.name(), event);

        SchemaAndValue connect = converter.toConnectData(topic.name(), written);
        assertThat(connect.value()).isInstanceOf(Struct.class);
        ((Struct) connect.value()).validate();
        byte[] back = converter.fromConnectData(topic.name(), connect.schema(), connect.value());

        assertThat(WireFormat.schemaId(topic.name(), back)).isEqualTo(WireFormat.schemaId(topic.name(), written));
        SpecificRecord decoded = new AvroEventDeserializer<SpecificRecord>(SchemaRegistryClients.fromUrl(REGISTRY),
                TopicTypes.valueClass(topic)).deserialize(topic.name(), back);
        assertThat(decoded).isEqualTo(event);
        assertThat(back).isEqualTo(written);
    }

    @ParameterizedTest
    @MethodSource("topics")
    void shouldRoundTripEveryEventTypeThroughTheDerivedSchemaOnOtherTopics(TopicSpec topic) {
        SpecificRecord event = SampleEvents.sample(topic, "p1");
        byte[] written = new AvroEventSerializer<SpecificRecord>(SchemaRegistryClients.fromUrl(REGISTRY))
                .serialize(topic.name(), event);
        SchemaAndValue connect = converter.toConnectData(topic.name(), written);

        // a topic that is not the platform's: the Avro schema comes from the Connect schema alone
        String copy = "copy-of-" + topic.name();
        byte[] copied = converter.fromConnectData(copy, connect.schema(), connect.value());
        SchemaAndValue again = converter.toConnectData(copy, copied);

        assertThat(again.value()).isEqualTo(connect.value());
        GenericRecord derived = new AvroEventDeserializer<GenericRecord>(SchemaRegistryClients.fromUrl(REGISTRY), null)
                .deserialize(copy, copied);
        assertThat(derived.getSchema().getFullName()).isEqualTo(event.getSchema().getFullName());
        assertThat(derived.getSchema().getFields()).extracting(org.apache.avro.Schema.Field::name)
                .isEqualTo(event.getSchema().getFields().stream().map(org.apache.avro.Schema.Field::name).toList());
    }

    @Test
    void shouldMapTimestampsEnumsAndNullableFieldsToConnectTypes() {
        SpecificRecord spec = SampleEvents.sample(Topics.POLICY_SPECS, "p1");
        byte[] written = new AvroEventSerializer<SpecificRecord>(SchemaRegistryClients.fromUrl(REGISTRY))
                .serialize(Topics.POLICY_SPECS.name(), spec);
        SchemaAndValue connect = converter.toConnectData(Topics.POLICY_SPECS.name(), written);

        Schema schema = connect.schema();
        assertThat(schema.name()).isEqualTo("ai.mint.events.PolicySpec");
        assertThat(schema.field("time").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(((Struct) connect.value()).get("time")).isInstanceOf(Date.class);
        assertThat(schema.field("status").schema().parameters())
                .containsEntry(AvroConnectData.ENUM_SYMBOLS, "ACTIVE,STOPPED");
        assertThat(schema.field("training").schema().isOptional()).isTrue();
        assertThat(schema.field("lora").schema().field("dropout").schema().defaultValue()).isEqualTo(0.0);
    }

    @Test
    void shouldFillFieldsAStructLacksFromTheirAvroDefaults() {
        Schema partial = SchemaBuilder.struct().name("ai.mint.events.Metric")
                .field("event_id", Schema.STRING_SCHEMA).field("policy_id", Schema.STRING_SCHEMA)
                .field("time", Timestamp.SCHEMA).field("name", Schema.STRING_SCHEMA)
                .field("value", Schema.FLOAT64_SCHEMA).field("source", Schema.STRING_SCHEMA).build();
        Struct metric = new Struct(partial).put("event_id", "e1").put("policy_id", "p1").put("time", new Date(5))
                .put("name", "loss").put("value", 0.5).put("source", "test");

        byte[] bytes = converter.fromConnectData(Topics.METRICS.name(), partial, metric);

        ai.mint.events.Metric decoded = new AvroEventDeserializer<ai.mint.events.Metric>(
                SchemaRegistryClients.fromUrl(REGISTRY), ai.mint.events.Metric.class)
                .deserialize(Topics.METRICS.name(), bytes);
        assertThat(decoded.getTags()).isEmpty();
        assertThat(decoded.getRevision()).isNull();
        assertThat(decoded.getTime().toEpochMilli()).isEqualTo(5);
    }

    @Test
    void shouldRefuseAStructThatLacksARequiredFieldNamingIt() {
        Schema partial = SchemaBuilder.struct().field("event_id", Schema.STRING_SCHEMA).build();
        Struct metric = new Struct(partial).put("event_id", "e1");

        assertThatThrownBy(() -> converter.fromConnectData(Topics.METRICS.name(), partial, metric))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("ai.mint.events.Metric.policy_id")
                .hasMessageContaining("no default");
    }

    @Test
    void shouldRefuseBytesOutsideTheWireFormat() {
        assertThatThrownBy(() -> converter.toConnectData(Topics.METRICS.name(), new byte[] {1, 2, 3, 4, 5, 6}))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("magic byte");
    }

    @Test
    void shouldKeepTombstonesAsNull() {
        assertThat(converter.toConnectData(Topics.CATALOG.name(), null)).isEqualTo(SchemaAndValue.NULL);
        assertThat(converter.fromConnectData(Topics.CATALOG.name(), null, null)).isNull();
    }
}
