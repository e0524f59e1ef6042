package ai.mint.lifecycle.bench;

import ai.mint.platform.EmbeddedPlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code mint worker} in a JVM of its own, as an operator runs it, so that it can really be killed (SIGKILL) or
 * stopped (SIGTERM, which runs its shutdown hook): the serving benchmarks' and tests' workers. Its stderr goes to a
 * file ({@link #log()}) to show when something fails.
 */
public final class WorkerJvm implements AutoCloseable {

    private final String workerId;
    private final MintJvm process;

    private WorkerJvm(String workerId, MintJvm process) {
        this.workerId = workerId;
        this.process = process;
    }

    /**
     * Starts an inference worker with one PyTorch thread; {@code settings} are extra {@code --set KEY=VALUE} pairs.
     *
     * @param dir where its stderr log goes
     */
    public static WorkerJvm start(EmbeddedPlatform platform, String workerId, Path base, Path store, Path dir,
                                  String... settings) {
        List<String> args = new ArrayList<>(List.of("worker",
                "--bootstrap-servers", platform.bootstrapServers(),
                "--schema-registry-url", platform.schemaRegistryUrl(),
                "--roles", "inference", "--base", base.toString(), "--store", store.toString(),
                "--set", "worker.id=" + workerId, "--set", "engine.threads=1"));
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        return new WorkerJvm(workerId, MintJvm.start(workerId, "512m", dir, args));
    }

    public String workerId() {
        return workerId;
    }

    /** SIGKILL: no shutdown hook, nothing finished, no last heartbeat. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM: the worker answers what it took, says it leaves, and exits; returns its exit code. */
    public int terminate() throws InterruptedException {
        return process.terminate();
    }

    public boolean alive() {
        return process.alive();
    }

    public String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }
}
