package ai.mint.cli;

import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.connection.KafkaPropertyOptions;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.platform.ProvisionReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mint up}: starts the platform (Kafka broker in-process, Apicurio registry as a child process, every topic),
 * prints {@code bootstrap.servers=...} and {@code schema.registry.url=...}, writes them to the connection file and runs
 * until Ctrl-C or SIGTERM, which stop both parts. Given both an external cluster and an external registry it starts
 * nothing: it checks the topics, prints the two lines and returns.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the platform on 127.0.0.1: a Kafka broker (KRaft, in this JVM) and an Apicurio schema "
                + "registry (child process), create every topic, print the two connection lines, run until Ctrl-C.",
                "With --bootstrap-servers and/or --schema-registry-url that part is used as it is, not started; "
                        + "given both, it only checks the topics, prints the two lines and exits."})
public final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${sys:mint.home:-.}/.mint/data",
            description = "where the broker's log and the registry's database live (default: ${DEFAULT-VALUE}); "
                    + "restarting on the same directory keeps every event and schema")
    Path dataDir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "use this Kafka cluster instead of starting a broker")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "use this Confluent-API registry instead of starting Apicurio")
    String schemaRegistryUrl;

    @Option(names = "--connection-file", paramLabel = "FILE", defaultValue = ConnectionFile.DEFAULT_PATH,
            description = "where to write the connection lines for other mint commands (default: ${DEFAULT-VALUE})")
    Path connectionFile;

    @Option(names = "--secure",
            description = "secure the embedded broker and registry: SASL/SCRAM-SHA-512 over TLS with ACLs, registry "
                    + "credentials; the connection file gets the admin's settings, 'mint tenant add NAME' makes tenants."
                    + " A data directory made with --secure must always be started with it")
    boolean secure;

    /** How to reach an external cluster or registry (security); the embedded ones speak plaintext on loopback. */
    @Mixin
    KafkaPropertyOptions kafka;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KafkaPropertyOptions.Given security = kafka.resolve(System.getenv());
        PlatformOptions options = PlatformOptions.embedded(dataDir.toAbsolutePath().normalize())
                .withExternal(bootstrapServers, schemaRegistryUrl)
                .withExternalSecurity(security.properties(), security.userInfo())
                .withSecure(secure);
        EmbeddedPlatform platform = EmbeddedPlatform.start(options);
        if (platform.embeddedKafka().isEmpty() && platform.registryProcess().isEmpty()) {
            // nothing of ours runs, so there is nothing to wait for or to stop; the connection file would outlive us
            reportDrift(platform.provisioning(), err);
            out.print(ConnectionFile.addressLines(platform.connection()));
            out.flush();
            err.println("nothing was started: the broker and the registry given are used as they are ("
                    + platform.provisioning().topics().size() + " topics checked); no connection file written, so "
                    + "pass the same options or set $" + ConnectionOptions.ENV_BOOTSTRAP + " and $"
                    + ConnectionOptions.ENV_REGISTRY + " (and $" + ConnectionOptions.ENV_KAFKA_CONFIG
                    + " for security) for other commands");
            err.flush();
            platform.close();
            return ExitCodes.OK;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                platform.close();
                deleteQuietly(connectionFile);
            } finally {
                stopped.countDown();
            }
        }, "mint-up-shutdown"));
        ConnectionFile.write(platform.connection(), connectionFile);
        reportDrift(platform.provisioning(), err);
        out.print(ConnectionFile.addressLines(platform.connection()));
        out.flush();
        String registryPid = platform.registryProcess().map(r -> "; schema registry pid " + r.processHandle().pid())
                .orElse("");
        err.println("platform ready (data in " + options.dataDir() + registryPid + "); Ctrl-C stops it");
        platform.secureMode().ifPresent(mode -> err.println("secure: SASL_SSL/SCRAM-SHA-512 with ACLs; the admin's "
                + "settings are in " + connectionFile + " (owner-only), the services' in " + mode.serviceFile()
                + "; make a tenant with: ./mint tenant add NAME --data-dir " + options.dataDir()));
        err.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private static void reportDrift(ProvisionReport report, PrintWriter err) {
        if (report.hasDrift()) {
            err.print(report.toTable());
            err.println("warning: some topics differ from their definition (see DETAIL); 'mint topics' checks again");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale file only misleads until the next 'mint up' overwrites it
        }
    }
}
