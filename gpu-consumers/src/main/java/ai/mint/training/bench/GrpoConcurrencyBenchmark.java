package ai.mint.training.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.bench.BenchSupport;
import ai.mint.engine.model.ModelPreset;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.rl.GrpoPolicy;
import ai.mint.training.rl.GrpoStepReport;
import ai.mint.training.rl.GrpoTrainer;
import ai.mint.training.service.TrainingService;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code mint bench grpo-concurrency}: GRPO steps of 4 policies trained concurrently (the four rollouts as one
 * generation batch and the four forward/backwards as one K-policy step, merged by the {@link TrainingService} the
 * worker uses) vs one policy after another (four rollouts and four forward/backwards per step, through the same
 * service). Timing: one JVM, a warm-up round, then rounds that run both variants in alternating order (ABBA), each
 * variant from the same fresh policies, so both do the same work; median/min/max over the rounds. Peak memory: each
 * variant once more in a fresh JVM of its own (VmHWM), since a process never gives memory back.
 */
@Command(name = "grpo-concurrency", description = "4 policies per GRPO step together vs one after another: wall time and peak RSS.")
public final class GrpoConcurrencyBenchmark implements MintBenchmark, Callable<Integer> {

    static final String NAME = "grpo-concurrency";
    static final String SEQUENTIAL = "sequential";
    static final String CONCURRENT = "concurrent";
    static final int POLICIES = 4;

    @Option(names = "--quick", description = "Tiny base, 2 steps per sample, short completions, 5 rounds (about a minute).")
    boolean quick;

    @Option(names = "--steps", description = "GRPO steps per timed sample (default 2 quick, 3 full).")
    Integer steps;

    @Option(names = "--rounds", description = "Timed rounds, each running both variants (default 5 quick, 7 full).")
    Integer rounds;

    @Option(names = "--preset", description = "Base size: TINY (default) or SMALL. On a CPU, SMALL with 4 x 32 rows "
            + "holds several GB of activations per step unless the micro-batch budget bounds them.")
    ModelPreset preset;

    @Option(names = "--micro-batch-rows", description = "Rows per forward/backward pass, both variants (default "
            + "${DEFAULT-VALUE}: one policy's 4 x 8 rollouts). 0 = no limit, the whole step in one pass.",
            defaultValue = "32")
    int microBatchRows;

    @Option(names = "--micro-batch-tokens", description = "Padded tokens per forward/backward pass (default "
            + "${DEFAULT-VALUE}). 0 = no limit.", defaultValue = "4096")
    long microBatchTokens;

    @Override
    public Integer call() {
        ModelPreset p = preset != null ? preset : ModelPreset.TINY;
        int s = steps != null ? steps : quick ? 2 : 3;
        int r = rounds != null ? rounds : quick ? 5 : 7;
        int maxTokens = quick ? 8 : 16;
        if (s < 1 || r < 1) {
            throw new IllegalArgumentException("--steps and --rounds must be >= 1");
        }
        MicroBatchBudget budget = MicroBatchBudget.ofLimits(microBatchRows, microBatchTokens);
        System.out.println(NAME + ": forward/backward micro-batch budget " + budget.describe() + "; " + r
                + " rounds of " + s + " steps per variant, order alternated");
        Path base = BenchSupport.base(p, false);
        List<String> common = List.of(base.toString(), Integer.toString(s), Integer.toString(maxTokens),
                Integer.toString(budget.maxRows()), Long.toString(budget.maxTokens()));
        JsonNode timing = TrainingBenchSupport.runChild(Timing.class, with(common, Integer.toString(r)));
        System.out.println("  peak memory: each variant in a JVM of its own");
        JsonNode seqMemory = TrainingBenchSupport.runChild(Memory.class, with(common, SEQUENTIAL));
        JsonNode conMemory = TrainingBenchSupport.runChild(Memory.class, with(common, CONCURRENT));

        double[] seq = millis(timing.get(SEQUENTIAL));
        double[] con = millis(timing.get(CONCURRENT));
        double seqRss = seqMemory.get("peak_rss_bytes").asDouble();
        double conRss = conMemory.get("peak_rss_bytes").asDouble();
        BenchReport report = new BenchReport(NAME, s + " GRPO steps of 4 policies per sample, " + r + " rounds ("
                + p.name().toLowerCase(Locale.ROOT) + " dense base, 4 prompts x 8 samples x " + maxTokens
                + " tokens each, rank 8, micro-batches of " + budget.describe() + ")")
                .columns("variant", "wall_ms", "ms_per_step", "min_ms", "max_ms", "runs", "peak_rss_mb",
                        "final_mean_reward")
                .row(SEQUENTIAL, median(seq), median(seq) / s, min(seq), max(seq), seq.length, seqRss / (1 << 20),
                        timing.get("final_mean_reward_" + SEQUENTIAL).asDouble())
                .row(CONCURRENT, median(con), median(con) / s, min(con), max(con), con.length, conRss / (1 << 20),
                        timing.get("final_mean_reward_" + CONCURRENT).asDouble())
                .figure("steps", s)
                .figure("rounds", r)
                .figure("samples_ms_" + SEQUENTIAL, Arrays.stream(seq).boxed().toList())
                .figure("samples_ms_" + CONCURRENT, Arrays.stream(con).boxed().toList())
                .figure("merged_steps", timing.get("merged_steps").asLong())
                .figure("max_policies_per_step", timing.get("max_policies_per_step").asLong())
                .figure("merged_generations", timing.get("merged_generations").asLong())
                .figure("micro_batch_rows", budget.maxRows())
                .figure("micro_batch_tokens", budget.maxTokens())
                .figure("memory_ratio", conRss / seqRss)
                .figure("memory_ratio_meaning", "concurrent peak RSS / sequential peak RSS (paper: no rise, <= 1)")
                .ratio(median(seq) / median(con), "median sequential wall time / median concurrent wall time")
                .paperRatio(1.77, "4B dense")
                .note("both variants run through the training service the worker uses; concurrent = the 4 "
                        + "policies' calls queued together (merged into one generation batch and one K-policy step), "
                        + "sequential = one policy's step after another")
                .note("timing: one JVM, one warm-up round, then " + r + " rounds with the variant order alternated "
                        + "(ABBA); every sample starts from the same fresh policies, so both variants do the same work")
                .note("peak RSS is VmHWM of a fresh JVM per variant running one sample after a warm-up")
                .note("sampled tokens can drift apart between the variants where batch composition changes float "
                        + "round-off, so rewards may differ slightly")
                .note(budget.equals(MicroBatchBudget.UNLIMITED)
                        ? "no micro-batch budget: the concurrent step's forward/backward holds all 4 policies' "
                        + "activations at once"
                        : "the forward/backward runs in micro-batches of the budget in both variants (rows of several "
                        + "policies share one) and frees each one's activations before the next")
                .note("the concurrent rollout generates the 4 x 32 rows as one batch: its prompt prefill runs in "
                        + "chunks of 32 rows, but its decoding keeps all 128 rows' keys/values, which is where its peak "
                        + "memory can rise a little above the sequential one's")
                .note("on 2 CPU cores a merged batch saves per-call overhead and small-matrix inefficiency only; "
                        + "the paper's GPUs gain from filling an underused device, so our ratio is lower");
        report.publish();
        return 0;
    }

    private static List<String> with(List<String> common, String last) {
        List<String> out = new ArrayList<>(common);
        out.add(last);
        return out;
    }

    private static double[] millis(JsonNode samples) {
        double[] out = new double[samples.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = samples.get(i).asDouble();
        }
        return out;
    }

    static double median(double[] xs) {
        double[] v = xs.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(Double.NaN);
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(Double.NaN);
    }

    /** The variant order of round {@code i} (0 = warm-up): ABBA, so neither variant always runs first. */
    static List<String> order(int round) {
        return round % 2 == 0 ? List.of(SEQUENTIAL, CONCURRENT) : List.of(CONCURRENT, SEQUENTIAL);
    }

    /** The workload on one engine and service: fresh policies, {@code steps} GRPO steps in the variant's way. */
    private static final class Workload implements AutoCloseable {
        private final TrainableEngine engine;
        private final TrainingService service;
        private final RewardScorer scorer = new RewardScorer(Duration.ofSeconds(10));
        private final GrpoTrainer trainer;
        private final int steps;
        private final int maxTokens;

        Workload(String[] args) {
            Path base = Path.of(args[0]);
            this.steps = Integer.parseInt(args[1]);
            this.maxTokens = Integer.parseInt(args[2]);
            MicroBatchBudget budget = new MicroBatchBudget(Integer.parseInt(args[3]), Long.parseLong(args[4]));
            this.engine = TrainableEngine.open(EngineConfig.of(base)
                    .withDevice(EngineConfig.DEFAULT_DEVICE));
            this.service = new TrainingService(engine, budget);
            this.trainer = new GrpoTrainer(service, scorer);
        }

        /** Runs one sample of {@code variant} from fresh policies; returns {wall ms, final mean reward}. */
        double[] run(String variant) {
            List<GrpoPolicy> policies = new ArrayList<>();
            for (int k = 0; k < POLICIES; k++) {
                policies.add(TrainingBenchSupport.policy(service, k, 4, 8, maxTokens));
            }
            try {
                long t = System.nanoTime();
                List<GrpoStepReport> last = null;
                for (int i = 0; i < steps; i++) {
                    last = step(policies, variant.equals(CONCURRENT));
                }
                double wall = (System.nanoTime() - t) / 1e6;
                return new double[] {wall, last.stream().mapToDouble(GrpoStepReport::meanReward).average().orElse(0)};
            } finally {
                policies.forEach(p -> service.closePolicy(p.state()).join());
            }
        }

        private List<GrpoStepReport> step(List<GrpoPolicy> policies, boolean together) {
            if (together) {
                return trainer.step(policies);
            }
            List<GrpoStepReport> reports = new ArrayList<>();
            for (GrpoPolicy p : policies) {
                reports.addAll(trainer.step(List.of(p)));
            }
            return reports;
        }

        @Override
        public void close() {
            service.close();
            scorer.close();
            engine.close();
        }
    }

    /** Timing in one JVM: args = baseDir steps maxTokens microBatchRows microBatchTokens rounds. */
    public static final class Timing {
        public static void main(String[] args) {
            int rounds = Integer.parseInt(args[5]);
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            samples.put(SEQUENTIAL, new ArrayList<>());
            samples.put(CONCURRENT, new ArrayList<>());
            Map<String, Double> reward = new LinkedHashMap<>();
            long start = System.nanoTime();
            String[] now = {"warm-up"};
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bench-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(() -> TrainingBenchSupport.progress(String.format(Locale.ROOT,
                    "%.0f s: %s", (System.nanoTime() - start) / 1e9, now[0])), 5, 5, TimeUnit.SECONDS);
            try (Workload w = new Workload(args)) {
                for (int round = 0; round <= rounds; round++) {
                    for (String variant : order(round)) {
                        now[0] = (round == 0 ? "warm-up" : "round " + round + "/" + rounds) + ", " + variant;
                        double[] got = w.run(variant);
                        if (round > 0) {
                            samples.get(variant).add(got[0]);
                            reward.put(variant, got[1]);
                            TrainingBenchSupport.progress(String.format(Locale.ROOT, "round %d/%d %-10s %8.1f ms",
                                    round, rounds, variant, got[0]));
                        }
                    }
                }
                Map<String, Object> result = new LinkedHashMap<>(samples);
                reward.forEach((variant, value) -> result.put("final_mean_reward_" + variant, value));
                result.put("merged_steps", w.service.mergedSteps());
                result.put("max_policies_per_step", w.service.maxPoliciesPerStep());
                result.put("merged_generations", w.service.mergedGenerations());
                TrainingBenchSupport.emit(result);
            } finally {
                ticker.shutdownNow();
            }
        }
    }

    /** Peak memory of one variant in a fresh JVM: args = baseDir steps maxTokens rows tokens variant. */
    public static final class Memory {
        public static void main(String[] args) {
            String variant = args[5];
            try (Workload w = new Workload(args)) {
                w.run(variant); // warm-up
                w.run(variant);
                TrainingBenchSupport.progress(variant + ": peak RSS "
                        + TrainingBenchSupport.peakRssBytes() / (1 << 20) + " MB");
                TrainingBenchSupport.emit(Map.of("variant", variant, "peak_rss_bytes",
                        TrainingBenchSupport.peakRssBytes()));
            }
        }
    }
}
