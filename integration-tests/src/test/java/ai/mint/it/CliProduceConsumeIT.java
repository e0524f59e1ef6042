package ai.mint.it;

import ai.mint.cli.ExitCodes;
import ai.mint.cli.MintCli;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.serde.json.JsonAvroConverter;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mint produce} and {@code mint consume}, run in-process against the real broker and registry. */
@ExtendWith(SharedPlatform.class)
class CliProduceConsumeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exitCode, String out, String err) {
    }

    private static Run mint(EmbeddedPlatform platform, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", platform.bootstrapServers(),
                "--schema-registry-url", platform.schemaRegistryUrl()));
        int code = MintCli.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static String sampleLine(String policy) {
        return new JsonAvroConverter().toJson((GenericRecord) SampleEvents.sample(Topics.METRICS, policy));
    }

    @Test
    void shouldSendTheGoodLinesAndNameTheLineAndFieldOfABadOne(EmbeddedPlatform platform) throws Exception {
        String policy = "cli-" + UUID.randomUUID();
        String good1 = sampleLine(policy);
        ObjectNode wrongType = (ObjectNode) JSON.readTree(sampleLine(policy));
        wrongType.put("value", "not a number");
        String good2 = sampleLine(policy);

        Run produced = mint(platform, good1 + "\n" + JSON.writeValueAsString(wrongType) + "\n\n" + good2 + "\n",
                "produce", Topics.METRICS.name());

        assertThat(produced.exitCode()).as(produced.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(produced.err()).contains("line 2").contains("value").doesNotContain("line 1:")
                .doesNotContain("line 4:").contains("produced 2 event(s)").contains("rejected 1 line(s)");

        Run consumed = mint(platform, "", "consume", Topics.METRICS.name(), "--from-beginning");

        assertThat(consumed.exitCode()).as(consumed.err()).isEqualTo(ExitCodes.OK);
        List<JsonNode> ours = consumed.out().lines().map(CliProduceConsumeIT::parse)
                .filter(n -> policy.equals(n.path("policy_id").asText())).toList();
        assertThat(ours).containsExactlyInAnyOrder(parse(good1), parse(good2));
    }

    @Test
    void shouldReportUndecodableEventsWithTheirOffsetAndGoOn(EmbeddedPlatform platform) throws Exception {
        String policy = "garbage-" + UUID.randomUUID();
        String topic = Topics.ROLLBACK_RESULTS.name();
        try (KafkaProducer<String, byte[]> producer = Events.clients(platform.bootstrapServers()).producer("it",
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, policy, new byte[] {7, 1, 2, 3, 4, 5})).get();
            producer.send(new ProducerRecord<>(topic, policy, new byte[] {0, 0x7f, 0, 0, 0, 2})).get();
        }
        String good = new JsonAvroConverter().toJson(
                (GenericRecord) SampleEvents.sample(Topics.ROLLBACK_RESULTS, policy));
        assertThat(mint(platform, good + "\n", "produce", topic).exitCode()).isEqualTo(ExitCodes.OK);

        Run consumed = mint(platform, "", "consume", topic, "--from-beginning");

        assertThat(consumed.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(consumed.err()).containsPattern("partition \\d offset \\d+: skipped: .*wrong magic byte 0x07")
                .containsPattern("partition \\d offset \\d+: skipped: .*unknown schema id 2130706432")
                .contains("skipped 2 undecodable").doesNotContain("\tat ");
        List<JsonNode> ours = consumed.out().lines().map(CliProduceConsumeIT::parse)
                .filter(n -> policy.equals(n.path("policy_id").asText())).toList();
        assertThat(ours).as("the good event after the bad ones").containsExactly(parse(good));
    }

    @Test
    void shouldStopAfterMaxMessages(EmbeddedPlatform platform) {
        String topic = Topics.EVAL_REQUESTS.name();
        String policy = "max-" + UUID.randomUUID();
        String line = new JsonAvroConverter().toJson((GenericRecord) SampleEvents.sample(Topics.EVAL_REQUESTS, policy));
        assertThat(mint(platform, line + "\n" + line + "\n" + line + "\n", "produce", topic).exitCode())
                .isEqualTo(ExitCodes.OK);

        Run consumed = mint(platform, "", "consume", topic, "--from-beginning", "--max-messages", "2");

        assertThat(consumed.out().lines()).hasSize(2);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
