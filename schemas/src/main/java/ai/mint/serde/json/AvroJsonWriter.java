package ai.mint.serde.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes Avro values as natural JSON (see {@link JsonAvroConverter}). Works on generic records and on generated ones,
 * whose values are Java enums, {@link Instant}s and Strings instead of their generic counterparts. Map keys are
 * written sorted.
 */
final class AvroJsonWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJsonWriter() {
    }

    static JsonNode write(IndexedRecord record) {
        return value(record, record.getSchema());
    }

    private static JsonNode value(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            case UNION -> value(value, branch(schema, value));
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode object = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    object.set(field.name(), value(record.get(field.pos()), field.schema()));
                }
                yield object;
            }
            case ENUM, STRING -> NODES.textNode(value.toString());
            case ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (Object element : (Collection<?>) value) {
                    array.add(value(element, schema.getElementType()));
                }
                yield array;
            }
            case MAP -> {
                // sorted keys: the same map always prints the same line, whatever Map the reader built
                Map<String, Object> sorted = new TreeMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> sorted.put(k.toString(), v));
                ObjectNode object = NODES.objectNode();
                sorted.forEach((k, v) -> object.set(k, value(v, schema.getValueType())));
                yield object;
            }
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate(); // leave the caller's position alone
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case FIXED -> NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
            case INT -> NODES.numberNode(((Number) value).intValue());
            case LONG -> {
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    Instant instant = value instanceof Instant i ? i : Instant.ofEpochMilli(((Number) value).longValue());
                    yield NODES.textNode(instant.toString());
                }
                yield NODES.numberNode(((Number) value).longValue());
            }
            case FLOAT -> floating(((Number) value).floatValue());
            case DOUBLE -> floating(((Number) value).doubleValue());
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case NULL -> NODES.nullNode();
        };
    }

    private static JsonNode floating(double value) {
        return Double.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(Double.toString(value));
    }

    private static JsonNode floating(float value) {
        return Float.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(Float.toString(value));
    }

    /** The union branch a Java value belongs to; values of generated classes are matched as well as generic ones. */
    private static Schema branch(Schema union, Object value) {
        for (Schema branch : union.getTypes()) {
            if (matches(branch, value)) {
                return branch;
            }
        }
        throw new IllegalArgumentException("value of " + value.getClass().getName() + " fits no branch of " + union);
    }

    private static boolean matches(Schema schema, Object value) {
        return switch (schema.getType()) {
            case RECORD -> value instanceof IndexedRecord r && r.getSchema().getFullName().equals(schema.getFullName());
            case ENUM -> (value instanceof GenericEnumSymbol<?> s && s.getSchema().getFullName().equals(schema.getFullName()))
                    || (value instanceof Enum<?> e && e.getDeclaringClass().getSimpleName().equals(schema.getName()));
            case FIXED -> value instanceof GenericFixed f && f.getSchema().getFullName().equals(schema.getFullName());
            case ARRAY -> value instanceof Collection<?>;
            case MAP -> value instanceof Map<?, ?>;
            case STRING -> value instanceof CharSequence;
            case BYTES -> value instanceof ByteBuffer;
            case INT -> value instanceof Integer;
            case LONG -> value instanceof Long || value instanceof Instant;
            case FLOAT -> value instanceof Float;
            case DOUBLE -> value instanceof Double;
            case BOOLEAN -> value instanceof Boolean;
            case NULL -> false;
            case UNION -> false;
        };
    }
}
