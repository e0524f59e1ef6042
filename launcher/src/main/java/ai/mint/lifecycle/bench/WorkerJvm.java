package ai.mint.lifecycle.bench;

import ai.mint.cli.MintCli;
import ai.mint.platform.EmbeddedPlatform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code mint worker} in a JVM of its own, as an operator runs it, so that it can really be killed (SIGKILL) or
 * stopped (SIGTERM, which runs its shutdown hook): the serving benchmarks' and tests' workers. Its stderr goes to a
 * file ({@link #log()}) to show when something fails.
 */
public final class WorkerJvm implements AutoCloseable {

    private final String workerId;
    private final Process process;
    private final Path log;

    private WorkerJvm(String workerId, Process process, Path log) {
        this.workerId = workerId;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts an inference worker with one PyTorch thread; {@code settings} are extra {@code --set KEY=VALUE} pairs.
     *
     * @param dir where its stderr log goes
     */
    public static WorkerJvm start(EmbeddedPlatform platform, String workerId, Path base, Path store, Path dir,
                                  String... settings) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
        String djlCache = System.getProperty("DJL_CACHE_DIR");
        if (djlCache != null) {
            command.add("-DDJL_CACHE_DIR=" + djlCache);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MintCli.class.getName(), "worker",
                "--bootstrap-servers", platform.bootstrapServers(),
                "--schema-registry-url", platform.schemaRegistryUrl(),
                "--roles", "inference", "--base", base.toString(), "--store", store.toString(),
                "--set", "worker.id=" + workerId, "--set", "engine.threads=1"));
        for (String s : settings) {
            command.add("--set");
            command.add(s);
        }
        Path log = dir.resolve(workerId + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        try {
            return new WorkerJvm(workerId, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + workerId, e);
        }
    }

    public String workerId() {
        return workerId;
    }

    /** SIGKILL: no shutdown hook, nothing finished, no last heartbeat. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the worker answers what it took, says it leaves, and exits; returns its exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(workerId + " did not stop within 90 s of SIGTERM; stderr:\n" + log());
        }
        return process.exitValue();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
