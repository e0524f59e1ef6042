package ai.mint.common.catalog.lookup;

import ai.mint.serde.json.JsonAvroConverter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The catalog API's JSON (the platform's natural JSON of Avro records) read back into generated records. Fields this
 * build does not know are dropped first, so that a client keeps working against a newer catalog, as it does when
 * reading Avro from topics.
 */
final class CatalogJson {

    private static final JsonAvroConverter CONVERTER = new JsonAvroConverter();

    private CatalogJson() {
    }

    static <T extends SpecificRecord> T read(JsonNode json, Class<T> type) {
        Schema schema = SpecificData.get().getSchema(type);
        return CONVERTER.fromJson(prune(json.deepCopy(), schema), type);
    }

    /** Removes, in place, object fields the schema does not have. */
    private static JsonNode prune(JsonNode node, Schema schema) {
        switch (schema.getType()) {
            case RECORD -> {
                if (node instanceof ObjectNode object) {
                    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
                    while (fields.hasNext()) {
                        Map.Entry<String, JsonNode> field = fields.next();
                        Schema.Field known = schema.getField(field.getKey());
                        if (known == null) {
                            fields.remove();
                        } else {
                            prune(field.getValue(), known.schema());
                        }
                    }
                }
            }
            case ARRAY -> {
                if (node instanceof ArrayNode array) {
                    array.forEach(item -> prune(item, schema.getElementType()));
                }
            }
            case MAP -> {
                if (node instanceof ObjectNode object) {
                    object.forEach(value -> prune(value, schema.getValueType()));
                }
            }
            case UNION -> {
                if (node.isObject()) {
                    schema.getTypes().stream().filter(t -> t.getType() == Schema.Type.RECORD).findFirst()
                            .ifPresent(record -> prune(node, record));
                }
            }
            default -> {
                // leaves are left as they are
            }
        }
        return node;
    }
}
