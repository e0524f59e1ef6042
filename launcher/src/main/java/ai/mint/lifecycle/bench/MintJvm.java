package ai.mint.lifecycle.bench;

import ai.mint.cli.MintCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code mint} command ({@code mint catalog}, {@code mint worker}, ...) in a JVM of its own on this JVM's classpath,
 * as an operator runs it, so that it can really crash ({@link #kill()}: SIGKILL, no shutdown hook) or stop
 * ({@link #terminate()}: SIGTERM). Its stderr is appended to {@code DIR/NAME.err} ({@link #log()}); the same name
 * started again appends to the same file.
 */
public final class MintJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private MintJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mint ARGS...} with small-JVM flags and one PyTorch thread.
     *
     * @param heap     the maximum heap, e.g. {@code 512m}
     * @param logDir   where {@code NAME.err} goes
     */
    public static MintJvm start(String name, String heap, Path logDir, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
        String djlCache = System.getProperty("DJL_CACHE_DIR");
        if (djlCache != null) {
            command.add("-DDJL_CACHE_DIR=" + djlCache);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MintCli.class.getName()));
        command.addAll(args);
        Path log = logDir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        try {
            Files.createDirectories(logDir);
            return new MintJvm(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, nothing finished; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the command's shutdown hook runs; returns its exit code (SIGKILL after 90 s, then an error). */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not stop within 90 s of SIGTERM; stderr:\n" + log());
        }
        return process.exitValue();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Everything the process wrote to stderr so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last {@code chars} characters of {@link #log()}. */
    public String logTail(int chars) {
        String all = log();
        return all.length() > chars ? all.substring(all.length() - chars) : all;
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
