package ai.mint.schemas.compat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a schema change with Avro's own reader/writer resolution rules and explains each problem by the field path
 * it concerns (e.g. {@code PolicySpec.lora.rank}), so a failing build or a refused registration says what to fix.
 */
public final class SchemaCompatibilityChecker {

    private SchemaCompatibilityChecker() {
    }

    /**
     * The problems that keep {@code newer} from replacing {@code older} under the mode; empty when it may.
     * Each message names the record and field and which side cannot read which.
     */
    public static List<String> problems(Schema newer, Schema older, CompatibilityMode mode) {
        List<String> problems = new ArrayList<>();
        if (mode.checksBackward()) {
            explain(newer, older, "the new schema cannot read data written with the old one", problems);
        }
        if (mode.checksForward()) {
            explain(older, newer, "the old schema cannot read data written with the new one", problems);
        }
        return problems;
    }

    /** Whether {@code newer} may replace {@code older} under the mode. */
    public static boolean isCompatible(Schema newer, Schema older, CompatibilityMode mode) {
        return problems(newer, older, mode).isEmpty();
    }

    private static void explain(Schema reader, Schema writer, String consequence, List<String> problems) {
        SchemaCompatibility.SchemaPairCompatibility pair =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            problems.add(reader.getName() + "." + fieldPath(reader, incompatibility.getLocation()) + ": "
                    + describe(incompatibility) + " (" + consequence + ")");
        }
    }

    private static String describe(Incompatibility incompatibility) {
        return switch (incompatibility.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "field has no default, so it cannot be filled in when absent";
            case TYPE_MISMATCH -> "type changed: " + incompatibility.getMessage();
            default -> incompatibility.getType() + ": " + incompatibility.getMessage();
        };
    }

    /**
     * Turns Avro's JSON-pointer location in the reader schema ({@code /fields/4/type/1/fields/0}) into field names
     * ({@code lora.rank}); array elements show as {@code []}, map values as {@code {}}.
     */
    static String fieldPath(Schema root, String location) {
        String[] tokens = location.replaceFirst("^/", "").split("/");
        StringBuilder path = new StringBuilder();
        Schema schema = root;
        try {
            for (int i = 0; i < tokens.length; i++) {
                switch (tokens[i]) {
                    case "", "type" -> { }
                    case "fields" -> {
                        Schema.Field field = schema.getFields().get(Integer.parseInt(tokens[++i]));
                        path.append(path.isEmpty() ? "" : ".").append(field.name());
                        schema = field.schema();
                    }
                    case "items" -> {
                        path.append("[]");
                        schema = schema.getElementType();
                    }
                    case "values" -> {
                        path.append("{}");
                        schema = schema.getValueType();
                    }
                    default -> {
                        if (schema.getType() == Schema.Type.UNION && tokens[i].chars().allMatch(Character::isDigit)) {
                            schema = schema.getTypes().get(Integer.parseInt(tokens[i]));
                        } else {
                            return (path.isEmpty() ? "<record>" : path) + " (" + String.join("/",
                                    List.of(tokens).subList(i, tokens.length)) + ")";
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            return location; // an unexpected pointer shape: the raw pointer still locates the problem
        }
        return path.isEmpty() ? "<record>" : path.toString();
    }
}
