package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.client.MintClientException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the client commands find the platform: {@code --bootstrap-servers} / {@code --schema-registry-url}, else
 * {@code $MINT_BOOTSTRAP_SERVERS} / {@code $MINT_SCHEMA_REGISTRY_URL}, else the connection file {@code mint up} wrote.
 */
public final class ClientOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap.servers.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Confluent-API schema registry URL.")
    String registryUrl;

    @Option(names = "--connection-file", paramLabel = "FILE", defaultValue = "${sys:mint.home:-.}/.mint/connection",
            description = "File written by `mint up` (default: ${DEFAULT-VALUE}).")
    Path connectionFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for an answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** A connected client; close it when done. */
    public MintClient connect() {
        return new MintClient(bootstrapServers(), registryUrl(), Duration.ofSeconds(timeoutSeconds));
    }

    /** Kafka's bootstrap.servers, for commands that need only a producer (e.g. the bulk importer). */
    public String bootstrapServers() {
        return first(bootstrapServers, System.getenv("MINT_BOOTSTRAP_SERVERS"),
                connectionFile().getProperty("bootstrap.servers"), "--bootstrap-servers");
    }

    /** The schema registry's URL. */
    public String registryUrl() {
        return first(registryUrl, System.getenv("MINT_SCHEMA_REGISTRY_URL"),
                connectionFile().getProperty("schema.registry.url"), "--schema-registry-url");
    }

    /** How long to wait for an answer. */
    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** What the connection file says (empty when there is none). */
    Properties connectionFile() {
        Properties file = new Properties();
        if (connectionFile != null && Files.isRegularFile(connectionFile)) {
            try (Reader in = Files.newBufferedReader(connectionFile)) {
                file.load(in);
            } catch (IOException e) {
                throw new MintClientException("cannot read " + connectionFile + ": " + e.getMessage(), e);
            }
        }
        return file;
    }

    private String first(String flag, String env, String fromFile, String option) {
        for (String v : new String[]{flag, env, fromFile}) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        throw new MintClientException("the platform's address is unknown: start it with ./mint up (it writes "
                + connectionFile + "), or pass " + option);
    }
}
