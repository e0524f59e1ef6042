package ai.mint.worker;

import ai.mint.common.cli.MintSubcommand;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint worker}: runs one worker until the JVM is asked to stop. Settings are {@link WorkerConfig}'s, read in
 * this order (later wins): the connection file {@code mint up} wrote, {@code --config FILE}, {@code --set KEY=VALUE},
 * then the dedicated options.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker: consume lifecycle and inference requests, run the engine and trainer, publish results.")
public final class WorkerCommand implements MintSubcommand, Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of worker settings (see --list-settings).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One worker setting, e.g. --set worker.roles=inference.")
    Map<String, String> settings = new HashMap<>();

    @Option(names = "--roles", paramLabel = "ROLE[,ROLE]", description = "rollout, update, export, eval, inference (default: all).")
    String roles;

    @Option(names = "--base", paramLabel = "DIR", description = "Base model directory (e.g. from `mint base init`).")
    Path base;

    @Option(names = "--store", paramLabel = "DIR", description = "Adapter store root shared by the platform's workers.")
    Path store;

    @Option(names = "--connection-file", paramLabel = "FILE", defaultValue = "${sys:mint.home:-.}/.mint/connection",
            description = "File written by `mint up` (default: ${DEFAULT-VALUE}).")
    Path connectionFile;

    @Option(names = "--list-settings", description = "Print every worker setting with its default and doc, then exit.")
    boolean listSettings;

    @Override
    public Integer call() throws Exception {
        if (listSettings) {
            System.out.println(WorkerConfig.DEFINITION.toRst());
            return 0;
        }
        WorkerConfig config = new WorkerConfig(collect());
        CountDownLatch stop = new CountDownLatch(1);
        Worker worker = Worker.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stop.countDown();
        }, "mint-worker-shutdown"));
        System.out.println("worker " + config.workerId + " running (roles " + config.roles + "); Ctrl-C stops it");
        stop.await();
        return 0;
    }

    Map<String, Object> collect() throws IOException {
        Map<String, Object> values = new HashMap<>();
        putAll(values, connectionFile);
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("--config " + configFile + ": no such file");
            }
            putAll(values, configFile);
        }
        values.putAll(settings);
        if (roles != null) {
            values.put(WorkerConfig.ROLES, roles);
        }
        if (base != null) {
            values.put(WorkerConfig.BASE_DIR, base.toString());
        }
        if (store != null) {
            values.put(WorkerConfig.STORE_ROOT, store.toString());
        }
        return values;
    }

    private static void putAll(Map<String, Object> values, Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            props.load(in);
        }
        props.forEach((k, v) -> values.put(k.toString(), v.toString().trim()));
    }
}
