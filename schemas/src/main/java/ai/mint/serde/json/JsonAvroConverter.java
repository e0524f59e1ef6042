package ai.mint.serde.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between natural JSON and Avro records, for people and scripts that write events by hand (the CLI's
 * {@code produce} and {@code consume}). Natural means: a union is its plain value, an enum its symbol, bytes are
 * base64, a timestamp-millis is epoch milliseconds or an ISO-8601 instant, and missing fields take their defaults.
 * Unknown fields are rejected, so a misspelt field name is an error rather than silently dropped data.
 */
public final class JsonAvroConverter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN_CHARS = 40;

    /** Reads a JSON document into a record of the schema; errors name the field path. */
    public GenericRecord fromJson(String json, Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("expected a record schema, got " + schema.getType());
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JsonConversionException("", "not valid JSON: " + e.getOriginalMessage());
        }
        return fromJson(node, schema);
    }

    /** Reads a parsed JSON document into a record of the schema; errors name the field path. */
    public GenericRecord fromJson(JsonNode node, Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("expected a record schema, got " + schema.getType());
        }
        if (node == null || node.isMissingNode()) {
            throw new JsonConversionException("", "empty input, expected a JSON object for " + schema.getName());
        }
        return (GenericRecord) convert(node, schema, "");
    }

    /**
     * Reads a parsed JSON document into a generated record (timestamps as {@link Instant}, as the generated class
     * holds them); errors name the field path.
     */
    public <T extends org.apache.avro.specific.SpecificRecord> T fromJson(JsonNode node, Class<T> type) {
        Schema schema = SpecificData.get().getSchema(type);
        GenericRecord generic = fromJson(node, schema);
        // through binary, so that the generated class's logical-type conversions apply
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(generic, encoder);
            encoder.flush();
            return new SpecificDatumReader<T>(schema, schema,
                    SpecificData.getForClass(type))
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a record (generic or generated) as one line of natural JSON. */
    public String toJson(GenericRecord record) {
        return AvroJsonWriter.write(record).toString();
    }

    /**
     * The same natural JSON as {@link #toJson}, as a tree, for callers that add fields or embed it in a larger
     * document (the catalog's HTTP answers).
     */
    public ObjectNode toJsonTree(IndexedRecord record) {
        return (ObjectNode) AvroJsonWriter.write(record);
    }

    private Object convert(JsonNode node, Schema schema, String path) {
        return switch (schema.getType()) {
            case UNION -> union(node, schema, path);
            case RECORD -> record(node, schema, path);
            case ENUM -> {
                if (node.isTextual() && schema.getEnumSymbols().contains(node.textValue())) {
                    yield new GenericData.EnumSymbol(schema, node.textValue());
                }
                throw mismatch(path, "one of " + schema.getEnumSymbols(), node);
            }
            case ARRAY -> array(node, schema, path);
            case MAP -> map(node, schema, path);
            case STRING -> {
                if (node.isTextual()) {
                    yield node.textValue();
                }
                throw mismatch(path, "string", node);
            }
            case BYTES -> ByteBuffer.wrap(base64(node, path, "bytes (base64)"));
            case FIXED -> {
                byte[] bytes = base64(node, path, "fixed " + schema.getName() + " (base64)");
                if (bytes.length != schema.getFixedSize()) {
                    throw new JsonConversionException(path, "expected " + schema.getFixedSize() + " bytes for "
                            + schema.getName() + ", got " + bytes.length);
                }
                yield new GenericData.Fixed(schema, bytes);
            }
            case INT -> {
                if (node.isIntegralNumber() && node.canConvertToInt()) {
                    yield node.intValue();
                }
                throw mismatch(path, "int", node);
            }
            case LONG -> longValue(node, schema, path);
            case FLOAT -> (float) floating(node, path, "float");
            case DOUBLE -> floating(node, path, "double");
            case BOOLEAN -> {
                if (node.isBoolean()) {
                    yield node.booleanValue();
                }
                throw mismatch(path, "boolean", node);
            }
            case NULL -> {
                if (node.isNull()) {
                    yield null;
                }
                throw mismatch(path, "null", node);
            }
        };
    }

    private GenericRecord record(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            throw mismatch(path, "an object (" + schema.getName() + ")", node);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (schema.getField(name) == null) {
                throw new JsonConversionException(child(path, name), "unknown field of " + schema.getName()
                        + " (fields: " + schema.getFields().stream().map(Schema.Field::name).toList() + ")");
            }
        }
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = node.get(field.name());
            if (value != null) {
                record.put(field.pos(), convert(value, field.schema(), child(path, field.name())));
            } else if (field.hasDefaultValue()) {
                record.put(field.pos(), GenericData.get().getDefaultValue(field));
            } else {
                throw new JsonConversionException(child(path, field.name()),
                        "missing required field (" + typeName(field.schema()) + ")");
            }
        }
        return record;
    }

    private Object union(JsonNode node, Schema schema, String path) {
        List<Schema> branches = schema.getTypes();
        if (node.isNull()) {
            if (branches.stream().anyMatch(b -> b.getType() == Schema.Type.NULL)) {
                return null;
            }
            throw mismatch(path, typeName(schema), node);
        }
        List<Schema> candidates = branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
        if (candidates.size() == 1) {
            return convert(node, candidates.get(0), path); // errors inside a single branch point at the inner field
        }
        for (Schema branch : candidates) {
            try {
                return convert(node, branch, path);
            } catch (JsonConversionException tryNext) {
                // the value belongs to another branch
            }
        }
        throw mismatch(path, typeName(schema), node);
    }

    private GenericData.Array<Object> array(JsonNode node, Schema schema, String path) {
        if (!node.isArray()) {
            throw mismatch(path, "an array of " + typeName(schema.getElementType()), node);
        }
        GenericData.Array<Object> array = new GenericData.Array<>(node.size(), schema);
        for (int i = 0; i < node.size(); i++) {
            array.add(convert(node.get(i), schema.getElementType(), path + "[" + i + "]"));
        }
        return array;
    }

    private Map<String, Object> map(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            throw mismatch(path, "an object (map of " + typeName(schema.getValueType()) + ")", node);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(),
                convert(e.getValue(), schema.getValueType(), child(path, e.getKey()))));
        return map;
    }

    private long longValue(JsonNode node, Schema schema, String path) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        boolean timestamp = schema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
        if (timestamp && node.isTextual()) {
            try {
                return Instant.parse(node.textValue()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw mismatch(path, "timestamp (epoch milliseconds or ISO-8601 like 2026-01-31T12:00:00Z)", node);
            }
        }
        throw mismatch(path, timestamp ? "timestamp (epoch milliseconds or ISO-8601 like 2026-01-31T12:00:00Z)"
                : "long", node);
    }

    private double floating(JsonNode node, String path, String type) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw mismatch(path, type, node);
    }

    private byte[] base64(JsonNode node, String path, String expected) {
        if (node.isTextual()) {
            try {
                return Base64.getDecoder().decode(node.textValue());
            } catch (IllegalArgumentException e) {
                throw mismatch(path, expected, node);
            }
        }
        throw mismatch(path, expected, node);
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static JsonConversionException mismatch(String path, String expected, JsonNode got) {
        String text = got.toString();
        if (text.length() > SHOWN_CHARS) {
            text = text.substring(0, SHOWN_CHARS) + "...";
        }
        return new JsonConversionException(path, "expected " + expected + ", got " + text);
    }

    /** {@code int}, {@code long (timestamp-millis)}, {@code LoraSpec}, {@code null or string}. */
    static String typeName(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getName();
            case ARRAY -> "array of " + typeName(schema.getElementType());
            case MAP -> "map of " + typeName(schema.getValueType());
            case UNION -> {
                List<String> names = new ArrayList<>();
                schema.getTypes().forEach(t -> names.add(typeName(t)));
                yield String.join(" or ", names);
            }
            default -> logical == null ? schema.getType().getName()
                    : schema.getType().getName() + " (" + logical.getName() + ")";
        };
    }
}
