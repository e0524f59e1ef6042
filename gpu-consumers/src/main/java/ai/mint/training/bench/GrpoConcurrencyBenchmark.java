package ai.mint.training.bench;

import ai.mint.engine.bench.BenchSupport;
import ai.djl.Device;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelPreset;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.rl.GrpoPolicy;
import ai.mint.training.rl.GrpoStepReport;
import ai.mint.training.rl.GrpoTrainer;
import ai.mint.training.rollout.RolloutSampler;
import ai.mint.training.rollout.TokenText;
import ai.mint.training.step.MicroBatchBudget;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mint bench grpo-concurrency}: S GRPO steps of 4 policies trained concurrently (one rollout batch and one
 * batched forward/backward per step for all four) vs one policy after another (four rollouts and four
 * forward/backwards per step). Each variant runs in a fresh JVM so that its peak RSS is its own.
 */
@Command(name = "grpo-concurrency", description = "4 policies per GRPO step together vs one after another: wall time and peak RSS.")
public final class GrpoConcurrencyBenchmark implements MintBenchmark, Callable<Integer> {

    static final String NAME = "grpo-concurrency";

    @Option(names = "--quick", description = "Tiny base, 3 steps, short completions (well under a minute).")
    boolean quick;

    @Option(names = "--steps", description = "Timed GRPO steps per variant (default 3 quick, 5 full).")
    Integer steps;

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
        int s = steps != null ? steps : quick ? 3 : 5;
        int maxTokens = quick ? 8 : 16;
        if (microBatchRows < 0 || microBatchTokens < 0) {
            throw new IllegalArgumentException("--micro-batch-rows and --micro-batch-tokens must be >= 0 (0 = no limit)");
        }
        MicroBatchBudget budget = new MicroBatchBudget(microBatchRows == 0 ? Integer.MAX_VALUE : microBatchRows,
                microBatchTokens == 0 ? Long.MAX_VALUE : microBatchTokens);
        System.out.println(NAME + ": forward/backward micro-batch budget " + budget.describe());
        Path base = BenchSupport.base(p, false);
        List<String> common = List.of(base.toString(), Integer.toString(s), Integer.toString(maxTokens),
                Integer.toString(budget.maxRows()), Long.toString(budget.maxTokens()));
        List<String> seqArgs = new ArrayList<>(List.of("sequential"));
        seqArgs.addAll(common);
        List<String> conArgs = new ArrayList<>(List.of("concurrent"));
        conArgs.addAll(common);
        JsonNode sequential = TrainingBenchSupport.runChild(Child.class, seqArgs);
        JsonNode concurrent = TrainingBenchSupport.runChild(Child.class, conArgs);

        double seqMs = sequential.get("wall_ms").asDouble();
        double conMs = concurrent.get("wall_ms").asDouble();
        double seqRss = sequential.get("peak_rss_bytes").asDouble();
        double conRss = concurrent.get("peak_rss_bytes").asDouble();
        BenchReport report = new BenchReport(NAME, s + " GRPO steps of 4 policies (" + p.name().toLowerCase(Locale.ROOT)
                + " dense base, 4 prompts x 8 samples x " + maxTokens + " tokens each, rank 8, micro-batches of "
                + budget.describe() + ")")
                .columns("variant", "wall_ms", "ms_per_step", "peak_rss_mb", "final_mean_reward")
                .row("sequential", seqMs, seqMs / s, seqRss / (1 << 20), sequential.get("final_mean_reward").asDouble())
                .row("concurrent", conMs, conMs / s, conRss / (1 << 20), concurrent.get("final_mean_reward").asDouble())
                .figure("steps", s)
                .figure("micro_batch_rows", budget.maxRows())
                .figure("micro_batch_tokens", budget.maxTokens())
                .figure("memory_ratio", conRss / seqRss)
                .figure("memory_ratio_meaning", "concurrent peak RSS / sequential peak RSS (paper: no rise, <= 1)")
                .ratio(seqMs / conMs, "sequential wall time / concurrent wall time")
                .paperRatio(1.77, "4B dense")
                .note("each variant in its own JVM after one untimed warm-up step; peak RSS is VmHWM of that JVM")
                .note("both variants use the same per-policy seeds and batch sizes, so the work is the same; sampled "
                        + "tokens can still drift apart where batch composition changes float round-off")
                .note(budget.equals(MicroBatchBudget.UNLIMITED)
                        ? "no micro-batch budget: the concurrent step's forward/backward holds all 4 policies' "
                        + "activations at once"
                        : "the forward/backward runs in micro-batches of the budget in both variants (rows of several "
                        + "policies share one) and frees each one's activations before the next")
                .note("the concurrent rollout still generates all 4 x 32 rows in one batch (its prompt prefill is "
                        + "the concurrent variant's peak now); the sequential variant peaks in its forward/backward");
        report.publish();
        return 0;
    }

    /** One variant in a fresh JVM: args = variant baseDir steps maxTokens microBatchRows microBatchTokens. */
    public static final class Child {
        public static void main(String[] args) {
            boolean together = args[0].equals("concurrent");
            Path base = Path.of(args[1]);
            int steps = Integer.parseInt(args[2]);
            int maxTokens = Integer.parseInt(args[3]);
            MicroBatchBudget budget = new MicroBatchBudget(Integer.parseInt(args[4]), Long.parseLong(args[5]));
            DecoderModel model = HfModelLoader.load(base, Device.cpu());
            try (TokenText text = TokenText.open(base);
                 RewardScorer scorer = new RewardScorer(Duration.ofSeconds(10))) {
                GrpoTrainer trainer = new GrpoTrainer(model, new RolloutSampler(model, text), scorer, budget);
                List<GrpoPolicy> policies = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    policies.add(TrainingBenchSupport.policy(model, text, k, 4, 8, maxTokens));
                }
                runStep(trainer, policies, together); // warm-up, untimed
                long t = System.nanoTime();
                List<GrpoStepReport> last = null;
                for (int i = 0; i < steps; i++) {
                    last = runStep(trainer, policies, together);
                }
                double wallMs = (System.nanoTime() - t) / 1e6;
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("variant", args[0]);
                result.put("wall_ms", wallMs);
                result.put("peak_rss_bytes", TrainingBenchSupport.peakRssBytes());
                result.put("final_mean_reward", last.stream().mapToDouble(GrpoStepReport::meanReward).average().orElse(0));
                TrainingBenchSupport.emit(result);
            } finally {
                model.base().close();
            }
        }

        private static List<GrpoStepReport> runStep(GrpoTrainer trainer, List<GrpoPolicy> policies, boolean together) {
            if (together) {
                return trainer.step(policies);
            }
            List<GrpoStepReport> reports = new ArrayList<>();
            for (GrpoPolicy p : policies) {
                reports.addAll(trainer.step(List.of(p)));
            }
            return reports;
        }
    }
}
