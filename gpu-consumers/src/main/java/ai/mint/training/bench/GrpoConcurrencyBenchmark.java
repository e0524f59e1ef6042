package ai.mint.training.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.bench.Sample;
import ai.mint.common.bench.Stats;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

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
    static final String FINAL_REWARD = "final_mean_reward";

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
    public Integer call() throws Exception {
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
        BenchResult timing;
        long mergedSteps;
        long maxPoliciesPerStep;
        long mergedGenerations;
        try (Workload w = new Workload(common.toArray(String[]::new))) {
            timing = BenchRun.of(NAME).warmUps(1).rounds(r)
                    .variant(SEQUENTIAL, sample -> w.run(sample, false))
                    .variant(CONCURRENT, sample -> w.run(sample, true))
                    .run();
            mergedSteps = w.service.mergedSteps();
            maxPoliciesPerStep = w.service.maxPoliciesPerStep();
            mergedGenerations = w.service.mergedGenerations();
        }
        System.out.println("  peak memory: each variant in a JVM of its own");
        JsonNode seqMemory = TrainingBenchSupport.runChild(Memory.class, with(common, SEQUENTIAL));
        JsonNode conMemory = TrainingBenchSupport.runChild(Memory.class, with(common, CONCURRENT));

        Stats seq = timing.variant(SEQUENTIAL).total();
        Stats con = timing.variant(CONCURRENT).total();
        double seqRss = seqMemory.get("peak_rss_bytes").asDouble();
        double conRss = conMemory.get("peak_rss_bytes").asDouble();
        BenchReport report = new BenchReport(NAME, s + " GRPO steps of 4 policies per sample, " + r + " rounds ("
                + p.name().toLowerCase(Locale.ROOT) + " dense base, 4 prompts x 8 samples x " + maxTokens
                + " tokens each, rank 8, micro-batches of " + budget.describe() + ")")
                .columns("variant", "wall_ms", "ms_per_step", "min_ms", "max_ms", "runs", "peak_rss_mb",
                        "final_mean_reward")
                .row(SEQUENTIAL, seq.median(), seq.median() / s, seq.min(), seq.max(), seq.runs(), seqRss / (1 << 20),
                        timing.variant(SEQUENTIAL).metric(FINAL_REWARD).median())
                .row(CONCURRENT, con.median(), con.median() / s, con.min(), con.max(), con.runs(), conRss / (1 << 20),
                        timing.variant(CONCURRENT).metric(FINAL_REWARD).median())
                .variants(timing)
                .figure("steps", s)
                .figure("merged_steps", mergedSteps)
                .figure("max_policies_per_step", maxPoliciesPerStep)
                .figure("merged_generations", mergedGenerations)
                .figure("micro_batch_rows", budget.maxRows())
                .figure("micro_batch_tokens", budget.maxTokens())
                .figure("memory_ratio", conRss / seqRss)
                .figure("memory_ratio_meaning", "concurrent peak RSS / sequential peak RSS (paper: no rise, <= 1)")
                .ratio(timing.ratioOfMedians(SEQUENTIAL, CONCURRENT),
                        "median sequential wall time / median concurrent wall time")
                .paperRatio(1.77, "4B dense")
                .note("both variants run through the training service the worker uses; concurrent = the 4 "
                        + "policies' calls queued together (merged into one generation batch and one K-policy step), "
                        + "sequential = one policy's step after another")
                .note("timing: one JVM, the shared benchmark runner: one warm-up round, then " + r + " rounds with "
                        + "the variant order alternated; every sample starts from the same fresh policies, so both "
                        + "variants do the same work")
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

        /** One sample from fresh policies: {@code steps} GRPO steps timed, the final mean reward recorded. */
        void run(Sample sample, boolean together) throws Exception {
            List<GrpoPolicy> policies = new ArrayList<>();
            for (int k = 0; k < POLICIES; k++) {
                policies.add(TrainingBenchSupport.policy(service, k, 4, 8, maxTokens));
            }
            try {
                List<List<GrpoStepReport>> last = new ArrayList<>(List.of(List.of()));
                sample.time("steps", () -> {
                    for (int i = 0; i < steps; i++) {
                        last.set(0, step(policies, together));
                    }
                });
                sample.metric(FINAL_REWARD, last.get(0).stream().mapToDouble(GrpoStepReport::meanReward).average()
                        .orElse(0));
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

    /** Peak memory of one variant in a fresh JVM: args = baseDir steps maxTokens rows tokens variant. */
    public static final class Memory {
        public static void main(String[] args) throws Exception {
            String variant = args[5];
            try (Workload w = new Workload(args)) {
                boolean together = variant.equals(CONCURRENT);
                w.run(Sample.standalone(), together); // warm-up
                w.run(Sample.standalone(), together);
                TrainingBenchSupport.progress(variant + ": peak RSS "
                        + TrainingBenchSupport.peakRssBytes() / (1 << 20) + " MB");
                TrainingBenchSupport.emit(Map.of("variant", variant, "peak_rss_bytes",
                        TrainingBenchSupport.peakRssBytes()));
            }
        }
    }
}
