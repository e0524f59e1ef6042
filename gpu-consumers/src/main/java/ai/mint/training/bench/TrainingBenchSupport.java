package ai.mint.training.bench;

import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.Projection;
import ai.mint.training.TrainingException;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.reward.RewardSpecs;
import ai.mint.training.rl.GrpoConfig;
import ai.mint.training.rl.GrpoPolicy;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared pieces of the training benchmarks: bases on disk, the policy workload, peak RSS and child JVMs. */
public final class TrainingBenchSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String RESULT_PREFIX = "BENCH-RESULT ";
    /** Lines a child prints with this prefix are passed on to the parent's output while the child runs. */
    static final String PROGRESS_PREFIX = "BENCH-PROGRESS ";

    /** Four verifiable tasks, one per policy. */
    static final List<String> REWARDS = List.of("[0-9]", "[aeiou]", "[A-Z]", "[!-/]");

    private TrainingBenchSupport() {
    }

    /**
     * Policy {@code k} of the benchmark workload: rank 8 on the attention projections, its own regex reward; the same
     * {@code k} always starts from the same weights and random state.
     */
    static GrpoPolicy policy(TrainingService service, int k, int prompts, int group, int maxTokens) {
        LoraWeights init = LoraWeights.random(service.engine().config(), EnumSet.of(Projection.Q, Projection.K,
                Projection.V, Projection.O), 8, 16f, 100 + k, false);
        Policy state = service.createPolicy("policy-" + k, init, 1000 + k, LrSchedule.CONSTANT).join();
        List<Prompt> ps = new ArrayList<>();
        for (int i = 0; i < prompts; i++) {
            String t = "Task " + k + ", question " + i + ":";
            ps.add(new Prompt(service.engine().encode(t), t, null));
        }
        String spec = "{\"type\":\"regex\",\"pattern\":\"" + REWARDS.get(k % REWARDS.size()) + "\"}";
        return new GrpoPolicy(state, RewardSpecs.parse(spec), ps, GrpoConfig.of(group, maxTokens, 1e-2));
    }

    /** Peak resident set of this process in bytes (VmHWM), or -1 where /proc is not available. */
    public static long peakRssBytes() {
        return procStatusBytes("VmHWM:");
    }

    /** Resident set of this process now in bytes (VmRSS), or -1 where /proc is not available. */
    public static long rssBytes() {
        return procStatusBytes("VmRSS:");
    }

    private static long procStatusBytes(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Prints a progress line that the parent passes on while this child runs. */
    public static void progress(String line) {
        System.out.println(PROGRESS_PREFIX + line);
        System.out.flush();
    }

    /** Prints the child's result where the parent looks for it. */
    public static void emit(Object result) {
        try {
            System.out.println(RESULT_PREFIX + JSON.writeValueAsString(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long a benchmark child may run before it is killed. */
    static final Duration CHILD_TIMEOUT = Duration.ofMinutes(30);

    /**
     * Runs {@code mainClass} in a fresh JVM with this JVM's class path (so peak memory is that variant's alone) and
     * returns the JSON it emitted.
     */
    public static JsonNode runChild(Class<?> mainClass, List<String> args) {
        return runChild(mainClass, args, CHILD_TIMEOUT);
    }

    /**
     * As {@link #runChild(Class, List)}, killing the child if it runs past {@code timeout}, if this thread is
     * interrupted, or if reading its output fails: a benchmark never leaves a JVM behind.
     */
    public static JsonNode runChild(Class<?> mainClass, List<String> args, Duration timeout) {
        return runChild(mainClass, List.of("-Xmx3g"), args, timeout);
    }

    /** As {@link #runChild(Class, List, Duration)} with the child's own JVM memory flags (e.g. -Xmx). */
    public static JsonNode runChild(Class<?> mainClass, List<String> memoryFlags, List<String> args,
                                    Duration timeout) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(memoryFlags);
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + Runtime.getRuntime().availableProcessors(),
                "-Dai.djl.pytorch.num_interop_threads=1"));
        String cache = System.getProperty("DJL_CACHE_DIR");
        if (cache != null) {
            cmd.add("-DDJL_CACHE_DIR=" + cache);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(args);
        String what = "benchmark child " + mainClass.getSimpleName() + " " + args;
        Process p = null;
        Path log = null;
        try {
            // output to a file, not a pipe: waiting on a pipe cannot time out and cannot be interrupted
            log = Files.createTempFile("mint-bench-child", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE"); // spinning OpenMP threads starve a shared box
            p = pb.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            int forwarded = 0;
            while (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
                forwarded = forwardProgress(log, forwarded);
                if (System.nanoTime() > deadline) {
                    throw new TrainingException(what + " did not finish within " + timeout + "; killed it:\n"
                            + tail(Files.readString(log, StandardCharsets.UTF_8)));
                }
            }
            forwardProgress(log, forwarded);
            int rc = p.exitValue();
            String out = Files.readString(log, StandardCharsets.UTF_8);
            String line = out.lines().filter(l -> l.startsWith(RESULT_PREFIX)).reduce((a, b) -> b).orElse(null);
            if (rc != 0 || line == null) {
                throw new TrainingException(what + " failed (exit " + rc + "):\n" + tail(out));
            }
            return JSON.readTree(line.substring(RESULT_PREFIX.length()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingException("interrupted while waiting for " + what + "; killed it", e);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** Prints the child's progress lines after the first {@code done} of them; returns how many there are now. */
    private static int forwardProgress(Path log, int done) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        text = text.substring(0, text.lastIndexOf('\n') + 1); // whole lines only: the last may be half written
        List<String> lines = text.lines().filter(l -> l.startsWith(PROGRESS_PREFIX)).toList();
        for (int i = done; i < lines.size(); i++) {
            System.out.println("  " + lines.get(i).substring(PROGRESS_PREFIX.length()));
        }
        return Math.max(done, lines.size());
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
