package ai.mint.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One KRaft node (a controller or a broker) of a {@link KafkaProcessCluster}, as a JVM of its own
 * ({@code kafka.Kafka server.properties}), so that it can really crash: {@link #kill()} is SIGKILL, no controlled
 * shutdown. {@link #start()} again runs it on the same properties, log directory and ports. Its output is appended
 * to {@code node-ID.log} beside its properties.
 */
public final class KafkaNodeProcess implements AutoCloseable {

    private final int nodeId;
    private final boolean controller;
    private final Path properties;
    private final Path log;
    private Process process;

    KafkaNodeProcess(int nodeId, boolean controller, Path properties) {
        this.nodeId = nodeId;
        this.controller = controller;
        this.properties = properties;
        this.log = properties.resolveSibling("node-" + nodeId + ".log");
    }

    /** Starts the node's JVM (it does not wait until it serves); a node that runs is left alone. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // small heaps and C1 only: four nodes share two cores with the platform under test
                controller ? "-Xmx192m" : "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "kafka.Kafka", properties.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka node " + nodeId, e);
        }
    }

    /** SIGKILL, then waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitForExit(30);
    }

    /** SIGTERM (a controlled shutdown), SIGKILL after 30 s. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitForExit(30)) {
            kill();
        }
    }

    private boolean waitForExit(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int nodeId() {
        return nodeId;
    }

    public boolean isController() {
        return controller;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The running JVM's pid, or -1 when it is not running. */
    public synchronized long pid() {
        return alive() ? process.pid() : -1;
    }

    /** The last {@code lines} lines of the node's output, to show why it failed. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }
}
