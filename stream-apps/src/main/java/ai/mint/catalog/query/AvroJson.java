package ai.mint.catalog.query;

import ai.mint.serde.json.JsonAvroConverter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro records as plain JSON for the query API, in the platform's natural JSON ({@link JsonAvroConverter}, the form
 * {@code mint consume} prints): field names as in the schema, timestamps as ISO-8601, enums by name, bytes as
 * base64, unions as their plain value, maps with sorted keys. Avro's own JSON encoding wraps unions in type tags,
 * which no HTTP client wants.
 */
public final class AvroJson {

    private static final JsonAvroConverter CONVERTER = new JsonAvroConverter();

    private AvroJson() {
    }

    public static ObjectNode toJson(IndexedRecord record) {
        return CONVERTER.toJsonTree(record);
    }
}
