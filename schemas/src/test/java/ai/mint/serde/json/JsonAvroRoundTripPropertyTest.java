package ai.mint.serde.json;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * JSON and Avro over random records of every event type of the contract: whatever the values (any text, NaN and
 * infinities, empty and large collections, absent optional fields), a record written as JSON reads back equal, and
 * its JSON is a fixed point of the round trip.
 */
class JsonAvroRoundTripPropertyTest {

    private static final List<Schema> SCHEMAS = Topics.CONTRACT.stream().map(TopicSpec::valueRecord).distinct()
            .map(JsonAvroRoundTripPropertyTest::schemaOf).toList();
    private final JsonAvroConverter converter = new JsonAvroConverter();

    @Provide
    Arbitrary<GenericRecord> events() {
        return Arbitraries.of(SCHEMAS).flatMap(schema -> Arbitraries.randomValue(random ->
                (GenericRecord) RandomDatum.of(schema, random, 0)));
    }

    @Property(tries = 500)
    void shouldReadBackEveryRecordItWritesAsJson(@ForAll("events") GenericRecord record) {
        String json = converter.toJson(record);
        GenericRecord back = converter.fromJson(json, record.getSchema());

        // Record.equals compares in equality mode (maps included; the ordering compare refuses maps)
        assertThat(back).as(json).isEqualTo(record);
        assertThat(converter.toJson(back)).isEqualTo(json);
    }

    @Property(tries = 200)
    void shouldReadGeneratedRecordsLikeGenericOnes(@ForAll("events") GenericRecord record) throws Exception {
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) SpecificData.get().getClass(record.getSchema());
        String json = converter.toJson(record);

        SpecificRecord generated = converter.fromJson(new ObjectMapper().readTree(json), type);

        assertThat(converter.toJson((GenericRecord) generated)).isEqualTo(json);
    }

    private static Schema schemaOf(String recordName) {
        try {
            String name = recordName.contains(".") ? recordName : "ai.mint.events." + recordName;
            return SpecificData.get().getSchema(Class.forName(name));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no generated class for " + recordName, e);
        }
    }

    /** A random Avro datum of a schema, in the generic representation (timestamps as epoch millis). */
    static final class RandomDatum {

        private static final String[] TEXTS = {"", "a", "policy-1", "é ü 中文 🙂", "\"quoted\"\n\t\\", "\u0000x",
                "x".repeat(300)};

        static Object of(Schema schema, Random random, int depth) {
            return switch (schema.getType()) {
                case RECORD -> {
                    GenericData.Record record = new GenericData.Record(schema);
                    for (Schema.Field field : schema.getFields()) {
                        record.put(field.pos(), of(field.schema(), random, depth + 1));
                    }
                    yield record;
                }
                case UNION -> {
                    List<Schema> branches = schema.getTypes();
                    yield of(branches.get(random.nextInt(branches.size())), random, depth);
                }
                case ENUM -> new GenericData.EnumSymbol(schema,
                        schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
                case ARRAY -> {
                    int n = depth > 4 ? 0 : random.nextInt(4);
                    List<Object> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(of(schema.getElementType(), random, depth + 1));
                    }
                    yield new GenericData.Array<>(schema, items);
                }
                case MAP -> {
                    int n = depth > 4 ? 0 : random.nextInt(4);
                    Map<String, Object> map = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        map.put(text(random) + i, of(schema.getValueType(), random, depth + 1));
                    }
                    yield map;
                }
                case STRING -> text(random);
                case BYTES -> {
                    byte[] bytes = new byte[random.nextInt(40)];
                    random.nextBytes(bytes);
                    yield ByteBuffer.wrap(bytes);
                }
                case FIXED -> {
                    byte[] bytes = new byte[schema.getFixedSize()];
                    random.nextBytes(bytes);
                    yield new GenericData.Fixed(schema, bytes);
                }
                case INT -> switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> Integer.MIN_VALUE;
                    case 2 -> Integer.MAX_VALUE;
                    default -> random.nextInt();
                };
                case LONG -> random.nextBoolean() ? random.nextLong() : random.nextInt(2_000_000_000) * 1000L;
                case FLOAT -> (float) special(random, random.nextFloat() * 1e6f - 5e5f);
                case DOUBLE -> special(random, random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
                case BOOLEAN -> random.nextBoolean();
                case NULL -> null;
            };
        }

        private static double special(Random random, double ordinary) {
            return switch (random.nextInt(10)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> Double.NEGATIVE_INFINITY;
                case 3 -> -0.0;
                default -> ordinary;
            };
        }

        private static String text(Random random) {
            if (random.nextInt(3) == 0) {
                StringBuilder s = new StringBuilder();
                for (int i = random.nextInt(12); i > 0; i--) {
                    s.appendCodePoint(random.nextInt(3) == 0 ? 0x1F600 + random.nextInt(50) : 0x20 + random.nextInt(0x2000));
                }
                return s.toString();
            }
            return TEXTS[random.nextInt(TEXTS.length)];
        }
    }
}
