package ai.mint.training.bench;

import ai.mint.engine.bench.BenchSupport;
import ai.djl.Device;
import ai.mint.api.Datum;
import ai.mint.api.LossFunction;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.lora.LoraMerger;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelPreset;
import ai.mint.training.reward.RewardInput;
import ai.mint.training.reward.RewardOutcome;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.rl.GrpoPolicy;
import ai.mint.training.rl.GrpoTrainer;
import ai.mint.training.rollout.Prompt;
import ai.mint.training.rollout.TokenText;
import ai.mint.training.rollout.RolloutSample;
import ai.mint.training.step.MultiPolicyStep;
import ai.mint.training.step.PolicyBatch;
import ai.mint.training.step.PolicyOptimizer;
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
        DecoderModel trainerModel = HfModelLoader.load(base, Device.cpu());
        Phases adapterOnly;
        Phases merged;
        try (TokenText text = TokenText.open(base);
             RewardScorer scorer = new RewardScorer(Duration.ofSeconds(10))) {
            adapterOnly = run(new AdapterHandoff(base, work, trainerModel), trainerModel, text, scorer, s);
            merged = run(new MergedHandoff(base, work, trainerModel), trainerModel, text, scorer, s);
        } finally {
            trainerModel.base().close();
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

    private static Phases run(Handoff handoff, DecoderModel trainerModel, TokenText text, RewardScorer scorer, int steps) {
        GrpoPolicy policy = TrainingBenchSupport.policy(trainerModel, text, 0, 4, 8, 16);
        try {
            handoff.publish(policy);
            step(handoff, policy, scorer); // warm-up
            List<Phases> timed = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                timed.add(step(handoff, policy, scorer));
            }
            return new Phases(median(timed, Phases::rollout), median(timed, Phases::update), median(timed, Phases::handoff));
        } finally {
            policy.state().close();
            handoff.close();
        }
    }

    private static Phases step(Handoff handoff, GrpoPolicy policy, RewardScorer scorer) {
        long t0 = System.nanoTime();
        List<GenerationRequest> requests = new ArrayList<>();
        for (Prompt prompt : policy.prompts()) {
            for (int g = 0; g < policy.config().groupSize(); g++) {
                requests.add(new GenerationRequest(handoff.adapterId(), prompt.tokens(), new GenerationParams(
                        policy.config().maxTokens(), 1.0, 1.0, policy.state().rng().nextLong(), Set.of())));
            }
        }
        List<GenerationResult> generated = handoff.engine().generate(requests);
        List<RolloutSample> trajectories = new ArrayList<>();
        for (int i = 0; i < generated.size(); i++) {
            GenerationResult r = generated.get(i);
            int pi = i / policy.config().groupSize();
            trajectories.add(new RolloutSample(policy.state().policyId(), policy.state().revision(), pi,
                    i % policy.config().groupSize(), policy.prompts().get(pi).tokens(), r.tokens(), r.logProbs(),
                    handoff.engine().decode(r.tokens()), r.finishReason()));
        }
        List<RewardOutcome> rewards = scorer.scoreAll(policy.reward(), trajectories.stream()
                .map(t -> new RewardInput(policy.prompts().get(t.promptIndex()).text(), t.text(), t.completion().length,
                        null)).toList());
        long t1 = System.nanoTime();
        List<Datum> data = GrpoTrainer.toData(trajectories, rewards, policy.config().advantageEpsilon());
        MultiPolicyStep.forwardBackward(handoff.trainerModel(),
                List.of(new PolicyBatch(policy.state(), data, LossFunction.GRPO, policy.config().loss())));
        PolicyOptimizer.step(policy.state(), policy.config().adam());
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
        LoraEngine engine();

        /** The adapter id rollout requests name, or null when the revision is merged into the base. */
        String adapterId();

        DecoderModel trainerModel();

        void publish(GrpoPolicy policy);

        @Override
        void close();
    }

    /** Adapter-only: write PEFT files, swap them into the running engine. */
    private static final class AdapterHandoff implements Handoff {
        private final LoraEngine engine;
        private final Path work;
        private final DecoderModel trainer;
        private int revision;

        AdapterHandoff(Path base, Path work, DecoderModel trainer) {
            this.engine = LoraEngine.open(EngineConfig.of(base));
            this.work = work;
            this.trainer = trainer;
        }

        public LoraEngine engine() {
            return engine;
        }

        public String adapterId() {
            return "policy";
        }

        public DecoderModel trainerModel() {
            return trainer;
        }

        public void publish(GrpoPolicy policy) {
            Path dir = work.resolve("adapter-rev" + (revision++ % 2));
            PeftAdapterIo.write(dir, policy.state().snapshot(), policy.state().config());
            if (revision == 1) {
                engine.registerAdapter("policy", dir);
                engine.loadAdapter("policy");
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
        private final DecoderModel trainer;
        private LoraEngine engine;

        MergedHandoff(Path base, Path work, DecoderModel trainer) {
            this.base = base;
            this.work = work;
            this.trainer = trainer;
        }

        public LoraEngine engine() {
            return engine;
        }

        public String adapterId() {
            return null;
        }

        public DecoderModel trainerModel() {
            return trainer;
        }

        public void publish(GrpoPolicy policy) {
            Path dir = work.resolve("merged");
            LoraMerger.mergeToDirectory(base, policy.state().config(), policy.state().snapshot(), dir);
            if (engine != null) {
                engine.close();
            }
            engine = LoraEngine.open(EngineConfig.of(dir));
        }

        public void close() {
            if (engine != null) {
                engine.close();
            }
        }
    }
}
