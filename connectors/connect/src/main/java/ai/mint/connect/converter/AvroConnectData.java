package ai.mint.connect.converter;

import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema.Field;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps Avro data to Kafka Connect data and back, for the Avro types the platform's event schemas use: records, enums,
 * arrays, string-keyed maps, nullable unions ({@code ["null", X]}), the primitives and {@code timestamp-millis}.
 * A record becomes a {@link Struct} whose schema is named by the record's full name; an enum a string whose schema
 * is named by the enum's full name and lists its symbols in {@link #ENUM_SYMBOLS}; a nullable union an optional
 * schema; {@code timestamp-millis} Connect's {@link Timestamp}. Back to Avro, a value is written either in a given
 * Avro schema (fields matched by name, absent ones take their Avro default) or in the schema derived from its Connect
 * schema ({@link #toAvroSchema}). Anything else (other unions, fixed, decimals) is refused with a {@link DataException}
 * naming the field.
 */
public final class AvroConnectData {

    /** Parameter of an enum's Connect schema: its symbols, comma separated, in Avro order. */
    public static final String ENUM_SYMBOLS = "ai.mint.avro.enum.symbols";
    /** Parameter of a record's or field's Connect schema carrying its Avro doc. */
    public static final String DOC = "ai.mint.avro.doc";

    private final Map<org.apache.avro.Schema, Schema> connectSchemas = new ConcurrentHashMap<>();
    private final Map<Schema, org.apache.avro.Schema> avroSchemas = new ConcurrentHashMap<>();

    /** The Connect schema of an Avro schema (cached: the same Avro schema always gives the same Connect schema). */
    public Schema toConnectSchema(org.apache.avro.Schema avro) {
        return connectSchemas.computeIfAbsent(avro, s -> connectSchema(s, false, null, s.getFullName()));
    }

    /** An Avro datum (generic or generated record, or any value of {@code avro}) as Connect data of its schema. */
    public Object toConnectValue(org.apache.avro.Schema avro, Object value) {
        return connectValue(avro, toConnectSchema(avro), value, avro.getFullName());
    }

    /**
     * A Connect value as an Avro datum of {@code avro}: struct fields are matched to record fields by name; a record
     * field the struct lacks takes its Avro default (an error if it has none).
     */
    public Object toAvroValue(Schema connect, Object value, org.apache.avro.Schema avro) {
        return avroValue(connect, value, avro, avro.getFullName());
    }

    /**
     * The Avro schema a Connect schema maps to: the reverse of {@link #toConnectSchema} for schemas that came from
     * Avro, a schema of the same shape (records named by the struct's name, optional fields as nullable unions with
     * default null) for schemas a connector built.
     */
    public org.apache.avro.Schema toAvroSchema(Schema connect) {
        return avroSchemas.computeIfAbsent(connect, s -> avroSchema(s, "ConnectRecord", new LinkedHashMap<>()));
    }

    // ---- Avro -> Connect ----

    private Schema connectSchema(org.apache.avro.Schema avro, boolean optional, Object defaultValue, String path) {
        org.apache.avro.Schema nonNull = nonNullBranch(avro, path);
        if (nonNull != avro) {
            return connectSchema(nonNull, true, null, path);
        }
        SchemaBuilder builder = switch (avro.getType()) {
            case RECORD -> {
                SchemaBuilder struct = SchemaBuilder.struct().name(avro.getFullName());
                if (avro.getDoc() != null) {
                    struct.parameter(DOC, avro.getDoc());
                }
                for (Field field : avro.getFields()) {
                    Object fieldDefault = field.hasDefaultValue() ? connectDefault(field) : null;
                    struct.field(field.name(), connectSchema(field.schema(), false, fieldDefault,
                            path + "." + field.name()));
                }
                yield struct;
            }
            case ENUM -> SchemaBuilder.string().name(avro.getFullName())
                    .parameter(ENUM_SYMBOLS, String.join(",", avro.getEnumSymbols()));
            case ARRAY -> SchemaBuilder.array(connectSchema(avro.getElementType(), false, null, path + "[]"));
            case MAP -> SchemaBuilder.map(Schema.STRING_SCHEMA,
                    connectSchema(avro.getValueType(), false, null, path + "{}"));
            case STRING -> SchemaBuilder.string();
            case INT -> SchemaBuilder.int32();
            case LONG -> avro.getLogicalType() instanceof LogicalTypes.TimestampMillis
                    ? Timestamp.builder() : SchemaBuilder.int64();
            case FLOAT -> SchemaBuilder.float32();
            case DOUBLE -> SchemaBuilder.float64();
            case BOOLEAN -> SchemaBuilder.bool();
            case BYTES -> {
                rejectLogical(avro, path);
                yield SchemaBuilder.bytes();
            }
            default -> throw new DataException(path + ": Avro type " + avro.getType()
                    + " has no Connect mapping here (supported: record, enum, array, map, [null, X], primitives,"
                    + " timestamp-millis)");
        };
        if (avro.getType() != org.apache.avro.Schema.Type.LONG && avro.getType() != org.apache.avro.Schema.Type.BYTES) {
            rejectLogical(avro, path);
        }
        if (optional) {
            builder.optional();
        }
        if (defaultValue != null) {
            builder.defaultValue(defaultValue);
        }
        return builder.build();
    }

    /** The Connect form of a field's Avro default; null for a null default (optional fields default to null). */
    private Object connectDefault(Field field) {
        Object avroDefault = GenericData.get().getDefaultValue(field);
        if (avroDefault == null || avroDefault == JsonProperties.NULL_VALUE) {
            return null;
        }
        Schema schema = connectSchema(field.schema(), false, null, field.name());
        return connectValue(field.schema(), schema, avroDefault, field.name());
    }

    private Object connectValue(org.apache.avro.Schema avro, Schema connect, Object value, String path) {
        if (value == null) {
            if (!connect.isOptional()) {
                throw new DataException(path + ": null for a field that is not nullable");
            }
            return null;
        }
        org.apache.avro.Schema nonNull = nonNullBranch(avro, path);
        return switch (nonNull.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                Struct struct = new Struct(connect);
                for (Field field : nonNull.getFields()) {
                    Object fieldValue = record.get(field.pos());
                    struct.put(field.name(), connectValue(field.schema(), connect.field(field.name()).schema(),
                            fieldValue, path + "." + field.name()));
                }
                yield struct;
            }
            case ENUM -> value instanceof GenericEnumSymbol<?> || value instanceof Enum<?> ? value.toString()
                    : checkedString(value, path);
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object element : (Collection<?>) value) {
                    out.add(connectValue(nonNull.getElementType(), connect.valueSchema(), element, path + "[]"));
                }
                yield out;
            }
            case MAP -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    out.put(entry.getKey().toString(), connectValue(nonNull.getValueType(), connect.valueSchema(),
                            entry.getValue(), path + "{" + entry.getKey() + "}"));
                }
                yield out;
            }
            case STRING -> value.toString();
            case LONG -> {
                if (connect.name() != null && connect.name().equals(Timestamp.LOGICAL_NAME)) {
                    yield value instanceof Instant instant ? Date.from(instant)
                            : new Date(((Number) value).longValue());
                }
                yield ((Number) value).longValue();
            }
            case INT -> ((Number) value).intValue();
            case FLOAT -> ((Number) value).floatValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case BOOLEAN -> (Boolean) value;
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield bytes;
            }
            default -> throw new DataException(path + ": Avro type " + nonNull.getType() + " has no Connect mapping");
        };
    }

    // ---- Connect -> Avro ----

    private Object avroValue(Schema connect, Object value, org.apache.avro.Schema avro, String path) {
        org.apache.avro.Schema nonNull = nonNullBranch(avro, path);
        if (value == null) {
            if (nonNull == avro && avro.getType() != org.apache.avro.Schema.Type.NULL) {
                throw new DataException(path + ": null, but the Avro schema " + avro.getFullName()
                        + " does not allow null");
            }
            return null;
        }
        try {
            return switch (nonNull.getType()) {
                case RECORD -> {
                    if (!(value instanceof Struct struct)) {
                        throw new DataException(path + ": expected a Struct for record " + nonNull.getFullName()
                                + ", got " + value.getClass().getSimpleName());
                    }
                    GenericData.Record record = new GenericData.Record(nonNull);
                    for (Field field : nonNull.getFields()) {
                        org.apache.kafka.connect.data.Field connectField = struct.schema().field(field.name());
                        String fieldPath = path + "." + field.name();
                        if (connectField == null) {
                            if (!field.hasDefaultValue()) {
                                throw new DataException(fieldPath + ": missing, and the Avro field has no default");
                            }
                            record.put(field.pos(), GenericData.get().getDefaultValue(field));
                        } else {
                            record.put(field.pos(), avroValue(connectField.schema(), struct.get(connectField),
                                    field.schema(), fieldPath));
                        }
                    }
                    yield record;
                }
                case ENUM -> {
                    String symbol = value.toString();
                    if (!nonNull.hasEnumSymbol(symbol)) {
                        throw new DataException(path + ": '" + symbol + "' is not a symbol of "
                                + nonNull.getFullName() + " " + nonNull.getEnumSymbols());
                    }
                    yield new GenericData.EnumSymbol(nonNull, symbol);
                }
                case ARRAY -> {
                    Schema elementSchema = connect == null ? null : connect.valueSchema();
                    List<Object> out = new GenericData.Array<>(((Collection<?>) value).size(), nonNull);
                    for (Object element : (Collection<?>) value) {
                        out.add(avroValue(elementSchema, element, nonNull.getElementType(), path + "[]"));
                    }
                    yield out;
                }
                case MAP -> {
                    Schema valueSchema = connect == null ? null : connect.valueSchema();
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                        out.put(entry.getKey().toString(), avroValue(valueSchema, entry.getValue(),
                                nonNull.getValueType(), path + "{" + entry.getKey() + "}"));
                    }
                    yield out;
                }
                case STRING -> checkedString(value, path);
                case LONG -> value instanceof Date date ? date.getTime() : ((Number) value).longValue();
                case INT -> ((Number) value).intValue();
                case FLOAT -> ((Number) value).floatValue();
                case DOUBLE -> ((Number) value).doubleValue();
                case BOOLEAN -> (Boolean) value;
                case BYTES -> value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : ((ByteBuffer) value).duplicate();
                default -> throw new DataException(path + ": Avro type " + nonNull.getType()
                        + " has no Connect mapping");
            };
        } catch (ClassCastException e) {
            throw new DataException(path + ": a " + value.getClass().getSimpleName() + " does not fit Avro type "
                    + nonNull.getType(), e);
        }
    }

    private org.apache.avro.Schema avroSchema(Schema connect, String defaultName,
                                              Map<String, org.apache.avro.Schema> named) {
        org.apache.avro.Schema plain = switch (connect.type()) {
            case STRUCT -> {
                String name = connect.name() == null ? defaultName : connect.name();
                org.apache.avro.Schema known = named.get(name);
                if (known != null) {
                    yield known;
                }
                List<Field> fields = new ArrayList<>();
                for (org.apache.kafka.connect.data.Field field : connect.fields()) {
                    org.apache.avro.Schema fieldSchema = avroSchema(field.schema(),
                            name + "_" + field.name(), named);
                    Object defaultValue = field.schema().isOptional() ? JsonProperties.NULL_VALUE
                            : avroDefault(field.schema());
                    fields.add(new Field(field.name(), fieldSchema, null, defaultValue));
                }
                org.apache.avro.Schema record = org.apache.avro.Schema.createRecord(avroName(name),
                        connect.parameters() == null ? null : connect.parameters().get(DOC), avroNamespace(name), false,
                        fields);
                named.put(name, record);
                yield record;
            }
            case STRING -> {
                String symbols = connect.parameters() == null ? null : connect.parameters().get(ENUM_SYMBOLS);
                yield symbols == null ? org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING)
                        : org.apache.avro.Schema.createEnum(avroName(connect.name()), null,
                        avroNamespace(connect.name()), List.of(symbols.split(",")));
            }
            case ARRAY -> org.apache.avro.Schema.createArray(avroSchema(connect.valueSchema(), defaultName, named));
            case MAP -> {
                if (connect.keySchema().type() != Schema.Type.STRING) {
                    throw new DataException(defaultName + ": Avro maps have string keys, this map's keys are "
                            + connect.keySchema().type());
                }
                yield org.apache.avro.Schema.createMap(avroSchema(connect.valueSchema(), defaultName, named));
            }
            case INT64 -> {
                org.apache.avro.Schema longSchema = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
                yield Timestamp.LOGICAL_NAME.equals(connect.name())
                        ? LogicalTypes.timestampMillis().addToSchema(longSchema) : longSchema;
            }
            case INT32 -> {
                rejectConnectLogical(connect, defaultName);
                yield org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
            }
            case FLOAT32 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.FLOAT);
            case FLOAT64 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.DOUBLE);
            case BOOLEAN -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
            case BYTES -> {
                rejectConnectLogical(connect, defaultName);
                yield org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES);
            }
            default -> throw new DataException(defaultName + ": Connect type " + connect.type()
                    + " has no Avro mapping here (INT8/INT16 are not used by the platform's schemas)");
        };
        return connect.isOptional() ? org.apache.avro.Schema.createUnion(
                org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), plain) : plain;
    }

    /** A required field's Connect default in Avro's JSON-default form (what {@link Field} takes), or none. */
    private Object avroDefault(Schema schema) {
        Object value = schema.defaultValue();
        if (value == null) {
            return null;
        }
        return switch (schema.type()) {
            case STRING, BOOLEAN, INT32, INT64, FLOAT32, FLOAT64 -> value instanceof Date d ? d.getTime() : value;
            case ARRAY -> ((Collection<?>) value).isEmpty() ? List.of() : null;
            case MAP -> ((Map<?, ?>) value).isEmpty() ? Map.of() : null;
            default -> null;
        };
    }

    // ---- helpers ----

    /** X of a union {@code [null, X]} (either order); the schema itself when it is not a union. */
    private static org.apache.avro.Schema nonNullBranch(org.apache.avro.Schema avro, String path) {
        if (avro.getType() != org.apache.avro.Schema.Type.UNION) {
            return avro;
        }
        List<org.apache.avro.Schema> branches = avro.getTypes();
        if (branches.size() == 2) {
            if (branches.get(0).getType() == org.apache.avro.Schema.Type.NULL) {
                return branches.get(1);
            }
            if (branches.get(1).getType() == org.apache.avro.Schema.Type.NULL) {
                return branches.get(0);
            }
        }
        throw new DataException(path + ": only unions of null and one type map to Connect, not " + avro);
    }

    private static void rejectLogical(org.apache.avro.Schema avro, String path) {
        LogicalType logical = avro.getLogicalType();
        if (logical != null && !(logical instanceof LogicalTypes.TimestampMillis)) {
            throw new DataException(path + ": Avro logical type " + logical.getName() + " has no Connect mapping here");
        }
    }

    private static void rejectConnectLogical(Schema connect, String path) {
        if (connect.name() != null && connect.name().startsWith("org.apache.kafka.connect.data.")) {
            throw new DataException(path + ": Connect logical type " + connect.name() + " has no Avro mapping here");
        }
    }

    private static String checkedString(Object value, String path) {
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        throw new DataException(path + ": expected a string, got " + value.getClass().getSimpleName());
    }

    private static String avroName(String fullName) {
        String cleaned = fullName.replaceAll("[^A-Za-z0-9_.]", "_");
        int dot = cleaned.lastIndexOf('.');
        return dot < 0 ? cleaned : cleaned.substring(dot + 1);
    }

    private static String avroNamespace(String fullName) {
        String cleaned = fullName.replaceAll("[^A-Za-z0-9_.]", "_");
        int dot = cleaned.lastIndexOf('.');
        return dot < 0 ? null : cleaned.substring(0, dot);
    }
}
