package ai.mint.platform;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the platform is: Kafka's {@code bootstrap.servers} and the schema registry's Confluent API URL. {@code mint
 * up} writes them to a connection file so that other {@code mint} commands find a running platform.
 *
 * @param bootstrapServers  {@code HOST:PORT[,HOST:PORT...]}
 * @param schemaRegistryUrl Confluent Schema Registry API base URL
 */
public record ConnectionSettings(String bootstrapServers, String schemaRegistryUrl) {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    public ConnectionSettings {
        Objects.requireNonNull(bootstrapServers, BOOTSTRAP_SERVERS);
        Objects.requireNonNull(schemaRegistryUrl, SCHEMA_REGISTRY_URL);
    }

    /** The two lines {@code mint up} prints: {@code bootstrap.servers=...} and {@code schema.registry.url=...}. */
    public String toLines() {
        return BOOTSTRAP_SERVERS + "=" + bootstrapServers + System.lineSeparator()
                + SCHEMA_REGISTRY_URL + "=" + schemaRegistryUrl + System.lineSeparator();
    }

    /** Writes the file atomically (readers never see half of it). */
    public void writeTo(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "connection", ".tmp");
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                out.write("# written by 'mint up'; removed when it stops\n");
                out.write(toLines());
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the connection file " + file, e);
        }
    }

    /** The settings in a connection file, empty when there is no such file. */
    public static Optional<ConnectionSettings> readFrom(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the connection file " + file, e);
        }
        String bootstrap = props.getProperty(BOOTSTRAP_SERVERS);
        String registry = props.getProperty(SCHEMA_REGISTRY_URL);
        if (bootstrap == null || registry == null) {
            throw new PlatformException("the connection file " + file + " lacks " + BOOTSTRAP_SERVERS + " or "
                    + SCHEMA_REGISTRY_URL + "; delete it and run ./mint up again");
        }
        return Optional.of(new ConnectionSettings(bootstrap.trim(), registry.trim()));
    }
}
