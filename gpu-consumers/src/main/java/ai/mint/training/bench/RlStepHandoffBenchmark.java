package ai.mint.training.bench;

import ai.mint.api.Datum;
import ai.mint.api.LossFunction;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.Engine;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.bench.BenchSupport;
import ai.mint.engine.lora.LoraMerger;
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
 * {@code mint bench rl-step-handoff}: one full RL step (rollout on the serving engine, reward, GRPO update on the
 * trainer, hand the new revision to the serving engine) where the handoff is the adapter alone (PEFT files swapped
 * into the live engine) vs a merged checkpoint (W + scale*B*A written as a full model and loaded as a new engine).
 */
@Command(name = "rl-step-handoff", description = "Full RL step with adapter-only vs merged-checkpoint handoff.")
public final class RlStepHandoffBenchmark implements MintBenchmark, Callable<Integer> {

    @Option(names = "--quick", description = "Tiny base, 2 timed steps per variant (well under a minute).")
    boolean quick;

    @Option(names = "--steps", description = "Timed RL steps per variant (default 2 quick, 3 full).")
    Integer steps;

    @Option(names = "--preset", description = "Base size: TINY or SMALL (default TINY quick, SMALL full).")
    ModelPreset preset;

    /** Wall time of one step's three phases, in ms. */
    record Phases(double rollout, double update, double handoff) {
        double total() {
            return rollout + update + handoff;
        }
    }

    @Override
    public Integer call() {
        ModelPreset p = preset != null ? preset : quick ? ModelPreset.TINY : ModelPreset.SMALL;
        int s = steps != null ? steps : quick ? 2 : 3;
        Path base = BenchSupport.base(p, false);
        Path work = BenchSupport.workDir("rl-step-handoff");
        Phases adapterOnly;
        Phases merged;
        try (TrainableEngine trainerEngine = TrainableEngine.open(EngineConfig.of(base));
             TrainingService trainer = new TrainingService(trainerEngine, MicroBatchBudget.DEFAULT);
             RewardScorer scorer = new RewardScorer(Duration.ofSeconds(10))) {
            adapterOnly = run(new AdapterHandoff(base, work, trainer), trainer, scorer, s);
            merged = run(new MergedHandoff(base, work, trainer), trainer, scorer, s);
        }
        BenchReport report = new BenchReport("rl-step-handoff", "one GRPO step (rollout 4 prompts x 8 samples, update, "
                + "handoff) on the " + p.name().toLowerCase(Locale.ROOT) + " dense base, rank 8 on q/k/v/o")
                .columns("handoff", "rollout_ms", "update_ms", "handoff_ms", "step_ms")
                .row("adapter-only", adapterOnly.rollout(), adapterOnly.update(), adapterOnly.handoff(), adapterOnly.total())
                .row("merged-checkpoint", merged.rollout(), merged.update(), merged.handoff(), merged.total())
                .figure("steps", s)
                .figure("handoff_only_ratio", merged.handoff() / adapterOnly.handoff())
                .ratio(merged.total() / adapterOnly.total(), "merged step time / adapter-only step time")
                .paperRatio(18.3, "4B dense")
                .note("on a CPU the step is dominated by rollout and update compute, so the handoff's saving is a "
                        + "small share of it; handoff_only_ratio isolates the handoff itself")
                .note("median of " + s + " timed steps per variant after one warm-up step; same seeds in both")
                .note("the merged variant materialises W + scale*B*A for every adapted projection, writes the full "
                        + "checkpoint and opens a new engine on it; the adapter-only one writes PEFT files and swaps them in");
        report.publish();
        return 0;
    }

    private static Phases run(Handoff handoff, TrainingService trainer, RewardScorer scorer, int steps) {
        GrpoPolicy policy = TrainingBenchSupport.policy(trainer, 0, 4, 8, 16);
        try {
            handoff.publish(policy);
            step(handoff, policy, scorer); // warm-up
            List<Phases> timed = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                timed.add(step(handoff, policy, scorer));
            }
            return new Phases(median(timed, Phases::rollout), median(timed, Phases::update), median(timed, Phases::handoff));
        } finally {
            trainer.closePolicy(policy.state()).join();
            handoff.close();
        }
    }

    private static Phases step(Handoff handoff, GrpoPolicy policy, RewardScorer scorer) {
        long t0 = System.nanoTime();
        List<GenerationRequest> requests = new ArrayList<>();
        for (Prompt prompt : policy.prompts()) {
            for (int g = 0; g < policy.config().groupSize(); g++) {
                requests.add(new GenerationRequest(handoff.adapterId(), prompt.tokens(), new GenerationParams(
                        policy.config().maxTokens(), 1.0, 1.0, policy.state().nextSeed(), Set.of())));
            }
        }
        List<GenerationResult> generated = handoff.engine().generate(requests);
        List<RewardInput> inputs = new ArrayList<>();
        for (int i = 0; i < generated.size(); i++) {
            GenerationResult r = generated.get(i);
            int pi = i / policy.config().groupSize();
            inputs.add(new RewardInput(policy.prompts().get(pi).text(), handoff.engine().decode(r.tokens()),
                    r.tokens().length, null));
        }
        List<RewardOutcome> rewards = scorer.scoreAll(policy.reward(), inputs);
        List<GrpoData.Sample> samples = new ArrayList<>();
        for (int i = 0; i < generated.size(); i++) {
            int pi = i / policy.config().groupSize();
            samples.add(new GrpoData.Sample(pi, policy.prompts().get(pi).tokens(), generated.get(i).tokens(),
                    generated.get(i).logProbs(), rewards.get(i)));
        }
        long t1 = System.nanoTime();
        List<Datum> data = GrpoData.toData(samples, policy.config().advantageEpsilon());
        TrainingService trainer = handoff.trainer();
        trainer.forwardBackward(new TrainingBatch(policy.state(), data, LossFunction.GRPO, policy.config().loss()))
                .join();
        trainer.optimStep(policy.state(), policy.config().adam()).join();
        long t2 = System.nanoTime();
        handoff.publish(policy);
        long t3 = System.nanoTime();
        return new Phases((t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }

    private static double median(List<Phases> xs, java.util.function.ToDoubleFunction<Phases> f) {
        double[] v = xs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** How a new revision reaches the serving engine. */
    private interface Handoff extends AutoCloseable {
        Engine engine();

        /** The adapter id rollout requests name, or null when the revision is merged into the base. */
        String adapterId();

        TrainingService trainer();

        void publish(GrpoPolicy policy);

        @Override
        void close();
    }

    /** Adapter-only: write PEFT files, swap them into the running engine. */
    private static final class AdapterHandoff implements Handoff {
        private final Engine engine;
        private final Path work;
        private final TrainingService trainer;
        private int revision;

        AdapterHandoff(Path base, Path work, TrainingService trainer) {
            this.engine = TrainableEngine.open(EngineConfig.of(base));
            this.work = work;
            this.trainer = trainer;
        }

        public Engine engine() {
            return engine;
        }

        public String adapterId() {
            return "policy";
        }

        public TrainingService trainer() {
            return trainer;
        }

        public void publish(GrpoPolicy policy) {
            Path dir = work.resolve("adapter-rev" + (revision++ % 2));
            trainer.exportPeft(policy.state(), dir).join();
            if (revision == 1) {
                engine.registerAdapter("policy", dir);
                engine.prefetch("policy").join();
            } else {
                engine.replaceAdapter("policy", dir);
            }
        }

        public void close() {
            engine.close();
        }
    }

    /** Merged: fold the adapter into the base weights, write the full checkpoint, start a new engine on it. */
    private static final class MergedHandoff implements Handoff {
        private final Path base;
        private final Path work;
        private final TrainingService trainer;
        private Engine engine;

        MergedHandoff(Path base, Path work, TrainingService trainer) {
            this.base = base;
            this.work = work;
            this.trainer = trainer;
        }

        public Engine engine() {
            return engine;
        }

        public String adapterId() {
            return null;
        }

        public TrainingService trainer() {
            return trainer;
        }

        public void publish(GrpoPolicy policy) {
            Path dir = work.resolve("merged");
            LoraMerger.mergeToDirectory(base, trainer.engine().config(), trainer.exportWeights(policy.state()).join(),
                    dir);
            if (engine != null) {
                engine.close();
            }
            engine = TrainableEngine.open(EngineConfig.of(dir));
        }

        public void close() {
            if (engine != null) {
                engine.close();
            }
        }
    }
}
