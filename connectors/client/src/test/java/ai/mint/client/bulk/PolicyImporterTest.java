package ai.mint.client.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.PolicySpec;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class PolicyImporterTest {

    private static final String TOPIC = "mint.policy.specs";
    private static final Serializer<SpecificRecord> UNUSED = (topic, data) -> new byte[0];

    private static String spec(String id, int rank) {
        return "{\"policy_id\":\"" + id + "\",\"base_model\":\"tiny\",\"lora\":{\"rank\":" + rank
                + ",\"alpha\":2.0,\"target_modules\":[\"q_proj\"]},\"reward_spec\":\"{}\",\"labels\":{\"tenant\":\"t1\"}}";
    }

    private record Run(PolicyImporter.Summary summary, List<ProducerRecord<String, SpecificRecord>> sent,
                       List<String> problems) {
    }

    private static Run importLines(String... lines) {
        MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(), UNUSED);
        ByteArrayOutputStream problems = new ByteArrayOutputStream();
        PolicyImporter importer = new PolicyImporter(producer, TOPIC, new PrintStream(problems, true,
                StandardCharsets.UTF_8));
        PolicyImporter.Summary summary = importer.run(new BufferedReader(new StringReader(String.join("\n", lines))),
                (l, c, s) -> { });
        return new Run(summary, producer.history(), problems.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void shouldSendGoodLinesAndReportEachBadOneByNumberAndField() {
        Run run = importLines(
                spec("p1", 1),
                "",
                spec("p2", 0),
                "{\"policy_id\":\"p3\",\"base_model\":\"tiny\"}",
                "not json",
                spec("p@4", 1),
                spec("p5", 2).replace("\"rank\":2", "\"rank\":\"two\""),
                spec("p1", 1),
                spec("p6", 1));

        assertThat(run.sent()).extracting(ProducerRecord::key).containsExactly("p1", "p6");
        assertThat(run.sent()).allSatisfy(r -> assertThat(r.topic()).isEqualTo(TOPIC));
        PolicySpec first = (PolicySpec) run.sent().get(0).value();
        assertThat(first.getEventId()).isNotBlank();
        assertThat(first.getTime()).isNotNull();
        assertThat(first.getLabels()).containsEntry("tenant", "t1");
        assertThat(run.problems()).satisfiesExactly(
                p -> assertThat(p).startsWith("line 3: not sent: lora.rank 0 is out of range 1..64"),
                p -> assertThat(p).startsWith("line 4: not sent: lora:"),
                p -> assertThat(p).startsWith("line 5: not sent: <record>: not valid JSON"),
                p -> assertThat(p).startsWith("line 6: not sent: policy_id 'p@4' contains '@'"),
                p -> assertThat(p).startsWith("line 7: not sent: lora.rank:"),
                p -> assertThat(p).isEqualTo("line 8: not sent: policy_id 'p1' is a duplicate of line 1 (the first one"
                        + " is sent)"));
        PolicyImporter.Summary s = run.summary();
        assertThat(List.of(s.lines(), s.sent(), s.rejected(), s.duplicates(), s.failed()))
                .containsExactly(8L, 2L, 6L, 1L, 0L);
        assertThat(s.clean()).isFalse();
    }

    @Test
    void shouldCheckWithoutSendingWhenThereIsNoProducer() {
        ByteArrayOutputStream problems = new ByteArrayOutputStream();
        PolicyImporter.Summary summary = new PolicyImporter(null, TOPIC, new PrintStream(problems))
                .run(new BufferedReader(new StringReader(spec("a", 1) + "\n" + spec("b", 1))), (l, c, s) -> { });
        assertThat(summary.sent()).isEqualTo(2);
        assertThat(summary.clean()).isTrue();
        assertThat(problems.size()).isZero();
    }

    @Test
    void shouldTellApartManyIdsAndFindTheirDuplicates() {
        SeenIds seen = new SeenIds();
        for (int i = 1; i <= 200_000; i++) {
            assertThat(seen.add("policy-" + i, i)).isZero();
        }
        assertThat(seen.size()).isEqualTo(200_000);
        assertThat(seen.add("policy-77", 300_000)).isEqualTo(77);
        assertThat(seen.add("policy-200000", 300_001)).isEqualTo(200_000);
    }
}
