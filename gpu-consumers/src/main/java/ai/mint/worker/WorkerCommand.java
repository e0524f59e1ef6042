package ai.mint.worker;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.common.config.SettingsOptions;
import ai.mint.common.connection.ConnectionOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mint worker}: runs one worker until the JVM is asked to stop. It finds the platform like every command
 * ({@link ConnectionOptions}); its settings are {@link WorkerConfig}'s, read in this order (later wins):
 * {@code --config FILE}, {@code --set KEY=VALUE}, then the dedicated options.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker: consume lifecycle and inference requests, run the engine and trainer, publish results.")
public final class WorkerCommand implements MintSubcommand, Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SettingsOptions settings;

    @Option(names = "--roles", paramLabel = "ROLE[,ROLE]", description = "rollout, update, export, eval, inference (default: all).")
    String roles;

    @Option(names = "--base", paramLabel = "DIR", description = "Base model directory (e.g. from `mint base init`).")
    Path base;

    @Option(names = "--store", paramLabel = "DIR", description = "Adapter store root shared by the platform's workers.")
    Path store;

    @Override
    public Integer call() throws Exception {
        if (settings.listRequested()) {
            settings.list(WorkerConfig.DEFINITION);
            return 0;
        }
        WorkerConfig config = new WorkerConfig(collect(System.getenv()));
        CountDownLatch stop = new CountDownLatch(1);
        Worker worker = Worker.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stop.countDown();
        }, "mint-worker-shutdown"));
        System.out.println("worker " + config.workerId + " running (roles " + config.roles + ")"
                + worker.metricsUrl().map(url -> ", metrics at " + url).orElse("") + "; Ctrl-C stops it");
        // a loop that stopped for good makes the worker unhealthy: exit non-zero rather than linger
        worker.whenUnhealthy().thenRun(stop::countDown);
        stop.await();
        if (worker.whenUnhealthy().isDone()) {
            System.err.println("worker " + config.workerId + " exits: " + worker.whenUnhealthy().getNow(""));
            worker.close();
            return 1;
        }
        return 0;
    }

    /** The settings this command line names, with the connection resolved against {@code env}. */
    Map<String, Object> collect(Map<String, String> env) {
        Map<String, Object> dedicated = new HashMap<>();
        dedicated.put(WorkerConfig.ROLES, roles);
        dedicated.put(WorkerConfig.BASE_DIR, base == null ? null : base.toString());
        dedicated.put(WorkerConfig.STORE_ROOT, store == null ? null : store.toString());
        Map<String, Object> values = settings.collect(WorkerConfig.DEFINITION, dedicated);
        values.putAll(connection.resolve(env, true).toSettings());
        return values;
    }
}
