package ai.mint.common.io;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/** Reads the properties files of the command line (settings, Kafka client properties, the connection file). */
public final class PropertiesFiles {

    private PropertiesFiles() {
    }

    /**
     * The file's entries, sorted by key, values trimmed.
     *
     * @param failure turns what went wrong ({@code no such file}, {@code cannot read it: ...}) into the caller's
     *                exception, which names the option or file
     */
    public static Map<String, String> read(Path file, Function<String, RuntimeException> failure) {
        if (!Files.isRegularFile(file)) {
            throw failure.apply("no such file");
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw failure.apply("cannot read it: " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).trim()));
        return values;
    }
}
