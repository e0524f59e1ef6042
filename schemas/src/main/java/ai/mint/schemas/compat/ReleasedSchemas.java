package ai.mint.schemas.compat;

import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import ai.mint.topics.Topics;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The released versions of every event schema, kept in the repository as {@code <dir>/<RecordName>/v<N>.avsc}
 * (self-contained: shared types inlined). A released version is a promise to data already on topics, so every
 * current schema must stay compatible with all of them.
 */
public final class ReleasedSchemas {

    private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.avsc");

    private final Path dir;

    public ReleasedSchemas(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The value schema of every topic, as compiled into this build: the schemas that get released. */
    public static List<Schema> currentEventSchemas() {
        Map<String, Schema> byName = new LinkedHashMap<>();
        for (TopicSpec topic : Topics.CONTRACT) {
            Schema schema = TopicTypes.valueSchema(topic);
            byName.putIfAbsent(schema.getFullName(), schema);
        }
        return List.copyOf(byName.values());
    }

    /** The released versions of a record, oldest first; empty when it was never released. */
    public List<Schema> versions(String recordName) {
        Path recordDir = dir.resolve(recordName);
        if (!Files.isDirectory(recordDir)) {
            return List.of();
        }
        List<Schema> versions = new ArrayList<>();
        for (Path file : versionFiles(recordDir)) {
            try {
                versions.add(new Schema.Parser().parse(Files.readString(file, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + file, e);
            } catch (SchemaParseException e) {
                throw new IllegalStateException("released schema " + file + " is not valid Avro: " + e.getMessage(), e);
            }
        }
        return versions;
    }

    /** The newest released version of a record. */
    public Optional<Schema> latest(String recordName) {
        List<Schema> versions = versions(recordName);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    /**
     * Problems of the current schemas against every released version under the mode; empty when all are fine.
     * Each message starts with the released file it breaks.
     */
    public List<String> check(List<Schema> current, CompatibilityMode mode) {
        List<String> problems = new ArrayList<>();
        for (Schema schema : current) {
            List<Schema> versions = versions(schema.getName());
            for (int v = 0; v < versions.size(); v++) {
                for (String problem : SchemaCompatibilityChecker.problems(schema, versions.get(v), mode)) {
                    problems.add(dir.resolve(schema.getName()).resolve("v" + (v + 1) + ".avsc") + ": " + problem);
                }
            }
        }
        return problems;
    }

    /** Whether the schema differs from its newest released version (or was never released). */
    public boolean isUnreleased(Schema schema) {
        return latest(schema.getName()).map(released -> !released.equals(schema)).orElse(true);
    }

    /** Writes the schema as the record's next version and returns the file. */
    public Path release(Schema schema) {
        Path recordDir = dir.resolve(schema.getName());
        try {
            Files.createDirectories(recordDir);
            Path file = recordDir.resolve("v" + (versionFiles(recordDir).size() + 1) + ".avsc");
            Files.writeString(file, schema.toString(true) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write released schema under " + recordDir, e);
        }
    }

    private static List<Path> versionFiles(Path recordDir) {
        try (Stream<Path> files = Files.list(recordDir)) {
            return files.filter(f -> VERSION_FILE.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(ReleasedSchemas::versionNumber))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list released schemas in " + recordDir, e);
        }
    }

    private static int versionNumber(Path file) {
        Matcher m = VERSION_FILE.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(file + " is not a v<N>.avsc file");
        }
        return Integer.parseInt(m.group(1));
    }
}
