package ai.mint.common.io;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads and writes the properties files of the command line (settings, Kafka client properties, the connection file,
 * the secured platform's credentials).
 */
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

    /**
     * Writes {@code entries} in their iteration order as {@code key=value} lines, atomically (readers never see half a
     * file); readable by its owner only when {@code ownerOnly} (it holds credentials).
     */
    public static void write(Path file, String comment, Map<String, String> entries, boolean ownerOnly) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            if (ownerOnly) {
                restrictToOwner(temp);
            }
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                out.write("# " + comment + "\n");
                for (Map.Entry<String, String> entry : entries.entrySet()) {
                    // only what Properties.load would misread is escaped (backslashes, line breaks)
                    out.write(entry.getKey() + "=" + entry.getValue().replace("\\", "\\\\").replace("\n", "\\n")
                            .replace("\r", "\\r") + "\n");
                }
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Makes a file readable and writable by its owner only, a directory usable by its owner only. */
    public static void restrictToOwner(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwx------"
                    : "rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own protection is all there is
        }
    }
}
