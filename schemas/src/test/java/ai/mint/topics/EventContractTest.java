package ai.mint.topics;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract's shape: every topic has its event class, and every record and field says what it is. */
class EventContractTest {

    static List<TopicSpec> topics() {
        return Topics.CONTRACT;
    }

    @ParameterizedTest
    @MethodSource("topics")
    void everyTopicsValueRecordIsAGeneratedEvent(TopicSpec topic) {
        Schema schema = TopicTypes.valueSchema(topic);
        assertThat(TopicTypes.valueClass(topic).getName()).isEqualTo(topic.valueRecord());
        assertThat(schema.getFullName()).isEqualTo(topic.valueRecord());
        assertThat(SampleEvents.sample(topic, "p").getSchema()).isEqualTo(schema);
    }

    @ParameterizedTest
    @MethodSource("topics")
    void everyEventStartsWithIdPolicyAndTime(TopicSpec topic) {
        List<Schema.Field> fields = TopicTypes.valueSchema(topic).getFields();
        assertThat(fields.subList(0, 3)).extracting(Schema.Field::name)
                .containsExactly("event_id", "policy_id", "time");
        assertThat(fields.get(2).schema().getLogicalType().getName()).isEqualTo("timestamp-millis");
    }

    @Test
    void everyRecordAndFieldHasADoc() {
        List<String> undocumented = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Topics.CONTRACT.forEach(t -> collectUndocumented(TopicTypes.valueSchema(t), seen, undocumented));
        assertThat(undocumented).isEmpty();
        assertThat(seen).hasSizeGreaterThan(30);
    }

    @Test
    void lifecycleResultsCarryTheCorrelationIdOfTheirRequest() {
        for (String stage : List.of("ROLLOUT", "UPDATE", "EXPORT", "EVAL", "SERVE", "ROLLBACK")) {
            TopicSpec requests = Topics.require("mint." + stage.toLowerCase() + ".requests");
            TopicSpec results = Topics.require("mint." + stage.toLowerCase() + ".results");
            Object requestCorrelation = ((org.apache.avro.generic.GenericRecord) SampleEvents.sample(requests, "p"))
                    .get("correlation_id");
            Object resultCorrelation = ((org.apache.avro.generic.GenericRecord) SampleEvents.sample(results, "p"))
                    .get("correlation_id");
            assertThat(resultCorrelation).as(stage).isNotNull().isEqualTo(requestCorrelation);
        }
    }

    @Test
    void everyWorkerGetsAWorkTopicOfItsOwnFromTheTemplate() {
        TopicSpec topic = Topics.workTopic("worker-a.7");
        assertThat(topic.name()).isEqualTo("mint.worker.worker-a.7.work");
        assertThat(topic.partitions()).as("one partition keeps a load ahead of its pack").isEqualTo(1);
        assertThat(topic.valueRecord()).isEqualTo(Topics.WORK.valueRecord());
        assertThat(Topics.ALL).extracting(TopicSpec::name).doesNotContain(topic.name());
        assertThat(Topics.CONTRACT).containsAll(Topics.ALL).contains(Topics.WORK);
        assertThatThrownBy(() -> Topics.workTopic("a/b")).hasMessageContaining("worker id 'a/b'");
        assertThatThrownBy(() -> Topics.workTopic("")).hasMessageContaining("letters, digits");
    }

    private static void collectUndocumented(Schema schema, Set<String> seen, List<String> undocumented) {
        switch (schema.getType()) {
            case RECORD, ENUM -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (schema.getDoc() == null || schema.getDoc().isBlank()) {
                    undocumented.add(schema.getFullName());
                }
                if (schema.getType() == Schema.Type.RECORD) {
                    for (Schema.Field field : schema.getFields()) {
                        if (field.doc() == null || field.doc().isBlank()) {
                            undocumented.add(schema.getFullName() + "." + field.name());
                        }
                        collectUndocumented(field.schema(), seen, undocumented);
                    }
                }
            }
            case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, seen, undocumented));
            case ARRAY -> collectUndocumented(schema.getElementType(), seen, undocumented);
            case MAP -> collectUndocumented(schema.getValueType(), seen, undocumented);
            default -> { }
        }
    }
}
