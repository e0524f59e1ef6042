package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.PlatformConnection;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the client commands share: where the platform is, found the one way every command finds it
 * ({@link ConnectionOptions}: option, environment, connection file; Kafka security through {@code --kafka} /
 * {@code --kafka-config}), and how long to wait for an answer.
 */
public final class ClientOptions {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for an answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** The platform this command line names, resolved against {@code env}. */
    PlatformConnection platform(Map<String, String> env) {
        return connection.resolve(env, true);
    }

    /** The platform this command line names (option, environment, connection file). */
    public PlatformConnection platform() {
        return platform(System.getenv());
    }

    /** How long to wait for an answer. */
    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** A connected client; close it when done. */
    public MintClient connect() {
        return new MintClient(platform(System.getenv()), Duration.ofSeconds(timeoutSeconds));
    }
}
