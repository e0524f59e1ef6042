package ai.mint.cli;

import ai.mint.serde.json.JsonAvroConverter;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events {@code mint smoke} sends: one per lifecycle topic, kept as JSON lines in the format {@code mint produce}
 * reads ({@code smoke-samples.jsonl}), so the smoke test goes through the same JSON-to-Avro path a user's events do.
 */
final class SmokeSamples {

    private static final String RESOURCE = "smoke-samples.jsonl";
    private static final Map<String, JsonNode> BY_TOPIC = load();

    private SmokeSamples() {
    }

    /** The sample event for {@code topic}, as its specific record type. */
    static SpecificRecord sample(TopicSpec topic) {
        JsonNode json = BY_TOPIC.get(topic.name());
        if (json == null) {
            throw new IllegalStateException(RESOURCE + " has no sample for " + topic.name());
        }
        Class<? extends SpecificRecord> type = TopicTypes.valueClass(topic);
        Schema schema = SpecificData.get().getSchema(type);
        GenericRecord generic = new JsonAvroConverter().fromJson(json.toString(), schema);
        // through Avro binary, so that logical types (timestamps) come back as the specific class's Java types
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(schema).write(generic, encoder);
            encoder.flush();
            return new SpecificDatumReader<SpecificRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot convert the " + topic.name() + " sample", e);
        }
    }

    private static Map<String, JsonNode> load() {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (InputStream in = SmokeSamples.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the launcher");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    JsonNode node = mapper.readTree(line);
                    out.put(node.get("topic").asText(), node.get("event"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return out;
    }
}
