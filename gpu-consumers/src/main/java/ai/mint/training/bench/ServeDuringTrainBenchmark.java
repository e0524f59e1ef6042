package ai.mint.training.bench;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.bench.Sample;
import ai.mint.common.bench.Stats;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TokenSink;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.bench.BenchSupport;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.model.Projection;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingBatch;
import ai.mint.training.service.TrainingService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code mint bench serve-during-train}: inference latency on a worker's model thread when it is idle and when it runs
 * GRPO steps back to back (forward/backward in micro-batches, then the optimizer step). Inference requests arrive one
 * at a time at random moments; with the executor interleaving, each waits for at most the micro-batch running when it
 * arrives, then decodes between micro-batches. Same requests in both variants, order alternated.
 */
@Command(name = "serve-during-train", description = "Inference p50/p99 on an idle worker vs one running GRPO steps.")
public final class ServeDuringTrainBenchmark implements MintBenchmark, Callable<Integer> {

    static final String IDLE = "idle";
    static final String TRAINING = "during GRPO steps";
    static final int NEW_TOKENS = 8;

    @Option(names = "--quick", description = "Tiny base, 8 requests per run, 3 rounds (under a minute).")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        ModelPreset preset = quick ? ModelPreset.TINY : ModelPreset.SMALL;
        int requests = quick ? 8 : 16;
        int stepRows = quick ? 32 : 64;
        int microRows = 4;
        TrainingBenchSupport.progress("serve-during-train: " + preset + " base, steps of " + stepRows + " rows in "
                + "micro-batches of " + microRows);
        try (TrainableEngine engine = TrainableEngine.open(EngineConfig.of(BenchSupport.base(preset, false)));
             TrainingService service = new TrainingService(engine, new MicroBatchBudget(microRows, 4096), 64,
                     TrainingService.DEFAULT_INFERENCE_SLICE, true)) {
            LoraWeights init = LoraWeights.random(engine.config(), EnumSet.of(Projection.Q, Projection.V), 8, 16f, 7,
                    true);
            Policy policy = service.createPolicy("trained", init, 1, LrSchedule.CONSTANT).join();
            TrainingBatch step = step(policy, stepRows);
            List<GenerationRequest> rows = requests(requests);
            Training training = new Training(service, policy, step);
            BenchResult result = BenchRun.of("serve-during-train").warmUps(1).rounds(quick ? 3 : 5)
                    .variant(IDLE, s -> serve(service, rows, s, null))
                    .variant(TRAINING, s -> serve(service, rows, s, training))
                    .run();
            publish(result, training, service, stepRows, microRows, requests);
        }
        return 0;
    }

    /** GRPO rows of made-up rollouts: prompts and completions of 8 tokens with rewards. */
    private static TrainingBatch step(Policy policy, int rows) {
        Random rnd = new Random(3);
        List<Datum> data = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            int[] prompt = rnd.ints(8, 97, 123).toArray();
            int[] completion = rnd.ints(8, 97, 123).toArray();
            float[] logprobs = new float[completion.length];
            Arrays.fill(logprobs, -3f);
            data.add(Datum.rollout(prompt, completion, logprobs, (float) rnd.nextGaussian()));
        }
        return new TrainingBatch(policy, data, LossFunction.GRPO, LossConfig.DEFAULT);
    }

    private static List<GenerationRequest> requests(int count) {
        Random rnd = new Random(11);
        List<GenerationRequest> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(new GenerationRequest(null, rnd.ints(8, 97, 123).toArray(), GenerationParams.greedy(NEW_TOKENS)));
        }
        return rows;
    }

    /** GRPO steps back to back on a thread of their own while a run lasts; counts steps and their time. */
    private static final class Training {
        private final TrainingService service;
        private final Policy policy;
        private final TrainingBatch step;
        final AtomicLong steps = new AtomicLong();
        final AtomicLong stepNanos = new AtomicLong();
        final AtomicLong passes = new AtomicLong();

        Training(TrainingService service, Policy policy, TrainingBatch step) {
            this.service = service;
            this.policy = policy;
            this.step = step;
        }

        Thread start(AtomicBoolean stop) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    long passesBefore = service.passBoundaries();
                    long t0 = System.nanoTime();
                    service.forwardBackward(step).join();
                    service.optimStep(policy, AdamConfig.of(1e-4)).join();
                    stepNanos.addAndGet(System.nanoTime() - t0);
                    passes.addAndGet(service.passBoundaries() - passesBefore);
                    steps.incrementAndGet();
                }
            }, "bench-grpo-steps");
            t.start();
            return t;
        }
    }

    /** The requests one at a time, each after a random pause (so they arrive at random points of a step). */
    private static void serve(TrainingService service, List<GenerationRequest> rows, Sample s, Training training)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread trainer = training == null ? null : training.start(stop);
        double[] latencyMs = new double[rows.size()];
        Random pauses = new Random(s.sequence());
        try {
            if (trainer != null) {
                Thread.sleep(200); // a step is under way before the first request comes
            }
            s.time("requests", () -> {
                for (int i = 0; i < rows.size(); i++) {
                    Thread.sleep(pauses.nextInt(50));
                    long t0 = System.nanoTime();
                    service.serve(rows.get(i), TokenSink.NONE).join();
                    latencyMs[i] = (System.nanoTime() - t0) / 1e6;
                }
            });
        } finally {
            stop.set(true);
            if (trainer != null) {
                trainer.join();
            }
        }
        s.metric("p50_ms", Stats.percentile(latencyMs, 50));
        s.metric("p99_ms", Stats.percentile(latencyMs, 99));
    }

    private void publish(BenchResult result, Training training, TrainingService service, int stepRows, int microRows,
                         int requests) {
        double stepMs = training.steps.get() == 0 ? Double.NaN
                : training.stepNanos.get() / 1e6 / training.steps.get();
        double microBatches = training.steps.get() == 0 ? Double.NaN
                : (double) training.passes.get() / training.steps.get();
        double idleP99 = result.variant(IDLE).metric("p99_ms").median();
        double trainingP99 = result.variant(TRAINING).metric("p99_ms").median();
        double idleP50 = result.variant(IDLE).metric("p50_ms").median();
        BenchReport report = new BenchReport("serve-during-train", requests + " requests per run (8-token prompt, "
                + NEW_TOKENS + " greedy tokens), one at a time, on an idle model thread vs one running GRPO steps of "
                + stepRows + " rows in micro-batches of " + microRows + " (" + (quick ? "tiny" : "small")
                + " dense base)")
                .columns("variant", "p50 ms (median)", "p99 ms (median)", "p99 min", "p99 max");
        report.variants(result);
        for (String v : List.of(IDLE, TRAINING)) {
            Stats p99 = result.variant(v).metric("p99_ms");
            report.row(v, result.variant(v).metric("p50_ms").median(), p99.median(), p99.min(), p99.max());
        }
        report.figure("p99_idle_ms", idleP99)
                .figure("p99_during_training_ms", trainingP99)
                .figure("p50_idle_ms", idleP50)
                .figure("grpo_step_ms", stepMs)
                .figure("micro_batches_per_step", microBatches)
                .figure("micro_batch_ms", stepMs / microBatches)
                .figure("bound_ms_one_micro_batch_plus_idle_p99", stepMs / microBatches + idleP99)
                .figure("yields_between_micro_batches", service.yields())
                .figure("steps_during_runs", training.steps.get())
                .ratio(trainingP99 / idleP99, "inference p99 during GRPO steps over p99 when idle (medians)")
                .note("a request that arrives during a step waits for the micro-batch in flight, then decodes between "
                        + "micro-batches at the pace the step leaves it; the goal is p99 during training within one "
                        + "micro-batch plus the request's own generation time (bound_ms_one_micro_batch_plus_idle_p99), "
                        + "not a whole step (grpo_step_ms)")
                .note("the step's time includes the optimizer step; steps run back to back while a run lasts");
        report.publish();
    }
}
