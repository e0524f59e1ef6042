package ai.mint.connect.dataset;

import ai.mint.common.ids.EventIds;
import ai.mint.events.DatasetExample;
import ai.mint.events.DatasetKind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Checks one JSONL line against its dataset kind's schema and turns it into a {@link DatasetExample}: the line must
 * be a JSON object with exactly the kind's fields, each a non-empty string. A line that does not fit is a
 * {@link BadLineException} whose message names the field and the problem.
 */
public final class DatasetLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kinds of dataset, with the fields a line of each holds. */
    public enum Kind {
        PROMPTS(DatasetKind.PROMPT, List.of("prompt", "reference")),
        SFT(DatasetKind.SFT, List.of("prompt", "completion")),
        PREFERENCES(DatasetKind.PREFERENCE, List.of("prompt", "chosen", "rejected"));

        final DatasetKind kind;
        final List<String> fields;

        Kind(DatasetKind kind, List<String> fields) {
            this.kind = kind;
            this.fields = fields;
        }
    }

    /** A line that does not fit its kind's schema. */
    public static final class BadLineException extends RuntimeException {
        public BadLineException(String message) {
            super(message);
        }
    }

    private DatasetLines() {
    }

    /**
     * The example a line holds.
     *
     * @param file path of the file relative to the dataset directory
     * @param line 1-based line number
     */
    public static DatasetExample parse(DatasetSourceConfig config, String file, long line, String text, Instant now) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadLineException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadLineException("expected a JSON object with " + config.kind.fields + ", got "
                    + (node == null ? "nothing" : node.getNodeType()));
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!config.kind.fields.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new BadLineException("unknown field(s) " + unknown + " for a " + config.kind.name().toLowerCase()
                    + " dataset (fields: " + config.kind.fields + ")");
        }
        for (String field : config.kind.fields) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw new BadLineException(field + ": missing (a " + config.kind.name().toLowerCase()
                        + " line has " + config.kind.fields + ")");
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new BadLineException(field + ": expected a non-empty string, got " + shown(value));
            }
        }
        Set<String> has = Set.copyOf(config.kind.fields);
        return DatasetExample.newBuilder()
                .setEventId(EventIds.derived(config.name + "/" + file + ":" + line, "dataset-example"))
                .setPolicyId(config.policyId)
                .setTime(now)
                .setDataset(config.name)
                .setKind(config.kind.kind)
                .setPrompt(node.get("prompt").asText())
                .setReference(has.contains("reference") ? node.get("reference").asText() : null)
                .setCompletion(has.contains("completion") ? node.get("completion").asText() : null)
                .setChosen(has.contains("chosen") ? node.get("chosen").asText() : null)
                .setRejected(has.contains("rejected") ? node.get("rejected").asText() : null)
                .setSourceFile(file)
                .setSourceLine(line)
                .build();
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return value.getNodeType().toString().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "..."
                : text);
    }
}
