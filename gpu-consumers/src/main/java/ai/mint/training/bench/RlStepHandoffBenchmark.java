package ai.mint.training.bench;

import ai.mint.api.Datum;
import ai.mint.api.LossFunction;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.bench.Sample;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.Engine;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MergedCheckpoint;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.bench.BenchSupport;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelPreset;
import ai.mint.training.grpo.GrpoData;
import ai.mint.training.reward.RewardInput;
import ai.mint.training.reward.RewardOutcome;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.rl.GrpoPolicy;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.service.TrainingBatch;
import ai.mint.training.service.TrainingService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code mint bench rl-step-handoff}: one full RL step — rollout on a warm serving engine, reward, GRPO update through
 * the training service the worker uses, handoff of the new revision to the serving engine — with the revision handed
 * off as the adapter alone (PEFT files swapped into the serving engine) or as a merged checkpoint (merged on the
 * trainer's device from its resident base, written with the same checkpoint writer, swapped into the warm serving
 * engine). Each variant trains its own policy from the same initial adapter and seeds; rounds alternate the order.
 */
@Command(name = "rl-step-handoff", description = "Full RL step with adapter-only vs merged-checkpoint handoff.")
public final class RlStepHandoffBenchmark implements MintBenchmark, Callable<Integer> {

    static final String ADAPTER = "adapter only";
    static final String MERGED = "merged checkpoint";

    @Option(names = "--quick", description = "Tiny base (well under a minute).")
    boolean quick;

    @Option(names = "--rounds", description = "Timed steps per variant after one warm-up (default 5).")
    int rounds = 5;

    @Option(names = "--preset", description = "Base size: TINY or SMALL (default TINY quick, SMALL full).")
    ModelPreset preset;

    @Override
    public Integer call() throws Exception {
        ModelPreset p = preset != null ? preset : quick ? ModelPreset.TINY : ModelPreset.SMALL;
        Path base = BenchSupport.base(p, false);
        Path work = BenchSupport.workDir("rl-step-handoff");
        BenchResult result;
        try (TrainableEngine trainerEngine = TrainableEngine.open(EngineConfig.of(base));
             TrainingService trainer = new TrainingService(trainerEngine, MicroBatchBudget.DEFAULT);
             RewardScorer scorer = new RewardScorer(Duration.ofSeconds(10));
             Engine adapterServing = TrainableEngine.open(EngineConfig.of(base));
             Engine mergedServing = TrainableEngine.open(EngineConfig.of(base))) {
            Step adapter = new Step(trainer, scorer, adapterServing, new AdapterHandoff(adapterServing, work));
            Step merged = new Step(trainer, scorer, mergedServing, new MergedHandoff(trainerEngine, mergedServing, work));
            result = BenchRun.of("rl-step-handoff").warmUps(1).rounds(rounds)
                    .variant(ADAPTER, adapter::run)
                    .variant(MERGED, merged::run)
                    .run();
            adapter.close();
            merged.close();
        }
        double stepRatio = result.ratioOfMedians(MERGED, ADAPTER);
        double handoffRatio = result.variant(MERGED).part("handoff").median()
                / result.variant(ADAPTER).part("handoff").median();
        BenchReport report = new BenchReport("rl-step-handoff", "one GRPO step (rollout 4 prompts x 8 samples, "
                + "reward, update through the training service, handoff) on the " + p.name().toLowerCase(Locale.ROOT)
                + " dense base, rank 8 on q/k/v/o")
                .variants(result)
                .columns("variant", "rollout ms", "reward ms", "update ms", "handoff ms", "step ms (median)",
                        "step min", "step max")
                .row(ADAPTER, ms(result, ADAPTER, "rollout"), ms(result, ADAPTER, "reward"), ms(result, ADAPTER, "update"),
                        ms(result, ADAPTER, "handoff"), result.variant(ADAPTER).total().median(),
                        result.variant(ADAPTER).total().min(), result.variant(ADAPTER).total().max())
                .row(MERGED, ms(result, MERGED, "rollout"), ms(result, MERGED, "reward"), ms(result, MERGED, "update"),
                        ms(result, MERGED, "handoff"), result.variant(MERGED).total().median(),
                        result.variant(MERGED).total().min(), result.variant(MERGED).total().max())
                .figure("handoff_only_ratio", handoffRatio)
                .figure("merged_merge_ms", ms(result, MERGED, "merge"))
                .figure("merged_write_ms", ms(result, MERGED, "write"))
                .figure("merged_load_ms", ms(result, MERGED, "load"))
                .figure("adapter_export_ms", ms(result, ADAPTER, "export"))
                .figure("adapter_swap_ms", ms(result, ADAPTER, "swap"))
                .ratio(stepRatio, "median full step with merged handoff / with adapter-only handoff")
                .paperRatio(18.3, "4B dense, full RL step")
                .note("merged handoff = merge on the trainer's device from its resident base (" + ms(result, MERGED, "merge")
                        + " ms) + write with the checkpoint writer (" + ms(result, MERGED, "write") + " ms) + swap into "
                        + "the warm serving engine (" + ms(result, MERGED, "load") + " ms); adapter-only = export PEFT ("
                        + ms(result, ADAPTER, "export") + " ms) + replace the adapter (" + ms(result, ADAPTER, "swap")
                        + " ms); handoff alone: " + String.format(Locale.ROOT, "%.1fx", handoffRatio))
                .note("on a CPU a step is seconds of rollout and update compute, so the handoff is a small share of it;"
                        + " on the paper's GPUs the step is short and the checkpoint move dominates");
        report.publish();
        return 0;
    }

    /** Median ms of a timed part of the step, or of a sub-step of the handoff (recorded as a metric in ms). */
    private static double ms(BenchResult r, String variant, String part) {
        BenchResult.VariantResult v = r.variant(variant);
        double median = v.parts().containsKey(part) ? v.part(part).median() : v.metric(part).median();
        return Math.round(median * 10) / 10.0;
    }

    /** One variant: its own policy, trained step after step and handed to its own warm serving engine. */
    private static final class Step implements AutoCloseable {
        private final TrainingService trainer;
        private final RewardScorer scorer;
        private final Engine serving;
        private final Handoff handoff;
        private final GrpoPolicy policy;

        Step(TrainingService trainer, RewardScorer scorer, Engine serving, Handoff handoff) throws Exception {
            this.trainer = trainer;
            this.scorer = scorer;
            this.serving = serving;
            this.handoff = handoff;
            this.policy = TrainingBenchSupport.policy(trainer, 0, 4, 8, 16); // same start and seeds for both variants
            handoff.publish(trainer.exportWeights(policy.state()).join(), trainer, policy, null);
        }

        void run(Sample sample) throws Exception {
            List<GenerationResult> generated = sample.timed("rollout", this::rollout);
            List<Datum> data = sample.timed("reward", () -> toData(generated));
            sample.time("update", () -> {
                trainer.forwardBackward(new TrainingBatch(policy.state(), data, LossFunction.GRPO,
                        policy.config().loss())).join();
                trainer.optimStep(policy.state(), policy.config().adam()).join();
            });
            long t = System.nanoTime();
            handoff.publish(null, trainer, policy, sample);
            sample.recordNanos("handoff", System.nanoTime() - t);
        }

        private List<GenerationResult> rollout() {
            List<GenerationRequest> requests = new ArrayList<>();
            for (Prompt prompt : policy.prompts()) {
                for (int g = 0; g < policy.config().groupSize(); g++) {
                    requests.add(new GenerationRequest(handoff.adapterId(), prompt.tokens(), new GenerationParams(
                            policy.config().maxTokens(), 1.0, 1.0, policy.state().nextSeed(), Set.of())));
                }
            }
            return serving.generate(requests);
        }

        private List<Datum> toData(List<GenerationResult> generated) {
            List<RewardInput> inputs = new ArrayList<>();
            for (int i = 0; i < generated.size(); i++) {
                GenerationResult r = generated.get(i);
                int pi = i / policy.config().groupSize();
                inputs.add(new RewardInput(policy.prompts().get(pi).text(), serving.decode(r.tokens()),
                        r.tokens().length, null));
            }
            List<RewardOutcome> rewards = scorer.scoreAll(policy.reward(), inputs);
            List<GrpoData.Sample> samples = new ArrayList<>();
            for (int i = 0; i < generated.size(); i++) {
                int pi = i / policy.config().groupSize();
                samples.add(new GrpoData.Sample(pi, policy.prompts().get(pi).tokens(), generated.get(i).tokens(),
                        generated.get(i).logProbs(), rewards.get(i)));
            }
            return GrpoData.toData(samples, policy.config().advantageEpsilon());
        }

        @Override
        public void close() {
            trainer.closePolicy(policy.state()).join();
        }
    }

    /** How a new revision reaches the serving engine; the first publish (no sample) sets the starting revision. */
    private interface Handoff {
        /** The adapter id rollout requests name, or null when the revision is merged into the base. */
        String adapterId();

        void publish(LoraWeights initial, TrainingService trainer, GrpoPolicy policy, Sample sample) throws Exception;
    }

    /** Adapter only: export the PEFT files, replace the serving engine's adapter. */
    private static final class AdapterHandoff implements Handoff {
        private final Engine serving;
        private final Path work;
        private int revision;

        AdapterHandoff(Engine serving, Path work) {
            this.serving = serving;
            this.work = work;
        }

        @Override
        public String adapterId() {
            return "policy";
        }

        @Override
        public void publish(LoraWeights initial, TrainingService trainer, GrpoPolicy policy, Sample sample)
                throws Exception {
            Path dir = work.resolve("adapter-rev" + (revision++ % 2));
            if (sample == null) {
                trainer.exportPeft(policy.state(), dir).join();
                serving.registerAdapter("policy", dir);
                serving.prefetch("policy").join();
                return;
            }
            long t0 = System.nanoTime();
            trainer.exportPeft(policy.state(), dir).join();
            long t1 = System.nanoTime();
            serving.replaceAdapter("policy", dir);
            sample.metric("export", (t1 - t0) / 1e6);
            sample.metric("swap", (System.nanoTime() - t1) / 1e6);
        }
    }

    /** Merged: fold the adapter into the trainer's resident base on its device, write it, swap it into serving. */
    private static final class MergedHandoff implements Handoff {
        private final Engine trainerEngine;
        private final Engine serving;
        private final Path dir;

        MergedHandoff(Engine trainerEngine, Engine serving, Path work) {
            this.trainerEngine = trainerEngine;
            this.serving = serving;
            this.dir = work.resolve("merged");
        }

        @Override
        public String adapterId() {
            return null;
        }

        @Override
        public void publish(LoraWeights initial, TrainingService trainer, GrpoPolicy policy, Sample sample)
                throws Exception {
            LoraWeights weights = initial != null ? initial : trainer.exportWeights(policy.state()).join();
            if (sample == null) {
                try (MergedCheckpoint merged = trainerEngine.mergeAdapter(weights)) {
                    merged.write(dir);
                }
                serving.replaceBase(dir);
                return;
            }
            long t0 = System.nanoTime();
            long t1;
            try (MergedCheckpoint merged = trainerEngine.mergeAdapter(weights)) {
                t1 = System.nanoTime();
                merged.write(dir);
            }
            long t2 = System.nanoTime();
            serving.replaceBase(dir);
            sample.metric("merge", (t1 - t0) / 1e6);
            sample.metric("write", (t2 - t1) / 1e6);
            sample.metric("load", (System.nanoTime() - t2) / 1e6);
        }
    }
}
