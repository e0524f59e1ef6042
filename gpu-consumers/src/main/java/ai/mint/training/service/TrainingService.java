package ai.mint.training.service;

import ai.mint.api.AdamConfig;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.OptimStepResult;
import ai.mint.engine.Engine;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.OptimStepStats;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.PolicyStepResult;
import ai.mint.engine.TokenSink;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.TrainingCheckpoint;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.training.grpo.LrSchedule;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The one training path: every caller that steps, samples or saves policies (the worker, the in-process Tinker API,
 * the GRPO loop of the tests and benchmarks) does it here, on one thread that owns the engine's model work (PyTorch
 * allows one gradient collector per process, and on a small machine two batches at once only compete for the same
 * cores). Calls return futures and run in submission order, except that forward/backward calls of different policies
 * queued back to back merge into ONE K-policy step, and every generation (queued sampling calls, and inference
 * through {@link #serve}, which does not wait in the queue) decodes in ONE continuous batch: callers of different
 * policies share the model's batches without knowing of each other. A merged step that fails is run again call by
 * call, so one bad call fails only its caller (a failed forward/backward changes no policy's gradients); a generation
 * row that fails (say, its adapter cannot load) fails only its own call. Inference interleaves with training: see
 * {@link ModelExecutor} for the policy. {@link #optimStep} applies the policy's learning-rate schedule; it is the only
 * place that does.
 */
public final class TrainingService implements AutoCloseable {

    /** Generation rows one merged batch may hold unless told otherwise (a single larger call still runs, alone). */
    public static final int DEFAULT_MAX_GENERATION_ROWS = 1024;

    /** How long inference may decode while training work waits, unless told otherwise. */
    public static final Duration DEFAULT_INFERENCE_SLICE = Duration.ofSeconds(2);

    /** One generation call: rows to generate and, when they sample a training policy, that policy. */
    public record SampleRequest(Policy policy, List<GenerationRequest> rows) {
        public SampleRequest {
            rows = List.copyOf(rows);
        }
    }

    /** What a generation call produced, and the revision of its policy at the moment it ran (-1 without one). */
    public record Sampled(List<GenerationResult> results, long revision) {
    }

    private final TrainableEngine engine;
    private final MicroBatchBudget microBatch;
    private final ModelExecutor thread;

    /** A service over {@code engine} whose training steps run in micro-batches of {@code microBatch}. */
    public TrainingService(TrainableEngine engine, MicroBatchBudget microBatch) {
        this(engine, microBatch, DEFAULT_MAX_GENERATION_ROWS);
    }

    /** As {@link #TrainingService(TrainableEngine, MicroBatchBudget)}, merging generation calls up to {@code maxGenerationRows}. */
    public TrainingService(TrainableEngine engine, MicroBatchBudget microBatch, int maxGenerationRows) {
        this(engine, microBatch, maxGenerationRows, DEFAULT_INFERENCE_SLICE, true);
    }

    /**
     * The service with its executor's policy spelled out: at most {@code maxGenerationRows} rows decode at once;
     * inference decodes for up to {@code inferenceSlice} while training work waits, and (with {@code interleave})
     * between the micro-batches of a step.
     */
    public TrainingService(TrainableEngine engine, MicroBatchBudget microBatch, int maxGenerationRows,
                           Duration inferenceSlice, boolean interleave) {
        if (maxGenerationRows < 1) {
            throw new IllegalArgumentException("generation rows per merged batch must be >= 1, got " + maxGenerationRows);
        }
        if (inferenceSlice.isNegative() || inferenceSlice.isZero()) {
            throw new IllegalArgumentException("the inference slice must be positive, got " + inferenceSlice);
        }
        this.engine = engine;
        this.microBatch = microBatch;
        this.thread = new ModelExecutor(engine, microBatch, maxGenerationRows, inferenceSlice, interleave);
    }

    /**
     * Answers one inference row in the continuous batch, ahead of queued training work (between decoding iterations
     * and between a step's micro-batches); its tokens go to {@code sink} as they are sampled.
     */
    public CompletableFuture<GenerationResult> serve(GenerationRequest row, TokenSink sink) {
        return thread.serve(row, sink);
    }

    /**
     * The engine's serving face, for what is safe from any thread: its tokenizer, its config, registering serving
     * adapters. Model work (training, generation, policy state) goes through the service.
     */
    public Engine engine() {
        return engine;
    }

    public MicroBatchBudget microBatch() {
        return microBatch;
    }

    /** A new policy whose factors start as {@code initial}, whose rollouts draw from {@code seed}. */
    public CompletableFuture<Policy> createPolicy(String policyId, LoraWeights initial, long seed,
                                                  LrSchedule schedule) {
        return submit(() -> new Policy(engine.createPolicy(policyId, initial), schedule, seed));
    }

    /** Frees the policy's device memory once the work queued before has run. */
    public CompletableFuture<Void> closePolicy(Policy policy) {
        return submit(() -> {
            policy.handle().close();
            return null;
        });
    }

    /** Accumulates the gradient of {@code batch}'s loss on its policy; merges with queued calls of other policies. */
    public CompletableFuture<ForwardBackwardOutput> forwardBackward(TrainingBatch batch) {
        return forwardBackwardAll(List.of(batch)).get(0);
    }

    /**
     * Queues the batches together (distinct policies run as one K-policy step); a batch whose data is invalid fails
     * its own future at once and takes no part.
     */
    public List<CompletableFuture<ForwardBackwardOutput>> forwardBackwardAll(List<TrainingBatch> batches) {
        return queueSteps(batches, true);
    }

    /**
     * Runs {@code calls}, which queue work on this service (say, several policies' {@code TrainingClient} calls), and
     * queues all of it only when they return, back to back: forward/backward calls of distinct policies made inside
     * run as ONE K-policy step, whatever the model thread was doing meanwhile. Work queued inside does not start
     * before {@code calls} returns, so {@code calls} must not wait for it (it would wait forever).
     */
    public <T> T together(Supplier<T> calls) {
        return thread.together(calls);
    }

    /**
     * Tinker's forward: each batch's loss and target log-probs on its policy's current weights, without a gradient;
     * queued together (distinct policies run as one K-policy pass).
     */
    public List<CompletableFuture<ForwardBackwardOutput>> forwardAll(List<TrainingBatch> batches) {
        return queueSteps(batches, false);
    }

    private List<CompletableFuture<ForwardBackwardOutput>> queueSteps(List<TrainingBatch> batches, boolean backward) {
        List<CompletableFuture<ForwardBackwardOutput>> out = new ArrayList<>();
        List<ModelExecutor.Task> tasks = new ArrayList<>();
        for (TrainingBatch b : batches) {
            CompletableFuture<PolicyStepResult> step = new CompletableFuture<>();
            try {
                checkLengths(b);
                tasks.add(new ModelExecutor.Step(new PolicyBatch(b.policy().handle(), b.data(), b.loss(), b.config()),
                        backward, step));
            } catch (IllegalArgumentException e) {
                step.completeExceptionally(e);
            }
            out.add(step.thenApply(r -> new ForwardBackwardOutput(r.loss(), r.metrics(), r.logprobs())));
        }
        thread.enqueueAll(tasks);
        return out;
    }

    private void checkLengths(TrainingBatch b) {
        int max = engine.maxPositions();
        for (int i = 0; i < b.data().size(); i++) {
            if (b.data().get(i).length() > max) {
                throw new IllegalArgumentException("policy " + b.policy().policyId() + ": datum " + i + " has "
                        + b.data().get(i).length() + " tokens; this model encodes at most " + max + " positions");
            }
        }
    }

    /**
     * Applies the policy's accumulated gradients with Adam at {@code peak}'s learning rate scaled by the policy's
     * schedule at its current optimizer step, and advances its revision (not when a non-finite gradient skipped the
     * update).
     */
    public CompletableFuture<OptimStepResult> optimStep(Policy policy, AdamConfig peak) {
        return submit(() -> {
            double lr = policy.schedule().learningRate(peak.learningRate(), policy.handle().optimizerSteps());
            OptimStepStats stats = engine.optimStep(policy.handle(), peak.withLearningRate(lr));
            if (stats.applied()) {
                policy.advanceRevision();
            }
            return new OptimStepResult(stats.step(), stats.gradNorm(), stats.learningRate());
        });
    }

    /** Generates {@code rows} (serving adapters and training policies may mix); merges with queued calls. */
    public CompletableFuture<List<GenerationResult>> generate(List<GenerationRequest> rows) {
        return sampleAll(List.of(new SampleRequest(null, rows))).get(0).thenApply(Sampled::results);
    }

    /** Queues the calls together, so that they run as one generation batch (up to the row limit). */
    public List<CompletableFuture<Sampled>> sampleAll(List<SampleRequest> requests) {
        List<CompletableFuture<Sampled>> out = new ArrayList<>();
        List<ModelExecutor.Task> tasks = new ArrayList<>();
        for (SampleRequest r : requests) {
            CompletableFuture<Sampled> f = new CompletableFuture<>();
            if (r.rows().isEmpty()) {
                f.complete(new Sampled(List.of(), r.policy() == null ? -1 : r.policy().revision()));
            } else {
                tasks.add(new ModelExecutor.Generate(r, f));
            }
            out.add(f);
        }
        thread.enqueueAll(tasks);
        return out;
    }

    /** Saves the policy's resumable state (factors, Adam, revision, random state) into {@code dir}; returns the file. */
    public CompletableFuture<Path> saveState(Policy policy, Path dir) {
        return submit(() -> {
            Map<String, String> metadata = new LinkedHashMap<>(); // in this order, so that equal states are equal files
            metadata.put("policy_id", policy.policyId());
            metadata.put("revision", Long.toString(policy.revision()));
            metadata.put("rng_state", Long.toString(policy.rngState()));
            return engine.saveTrainingState(policy.handle(), dir, metadata);
        });
    }

    /**
     * Loads a saved state into the policy: its weights and, with {@code withOptimizer}, its Adam state, revision and
     * random state too, so that training continues exactly where it stopped. Checked completely before it changes
     * anything.
     */
    public CompletableFuture<Void> loadState(Policy policy, Path dir, boolean withOptimizer) {
        return submit(() -> {
            TrainingCheckpoint cp = engine.readTrainingState(dir);
            long revision = withOptimizer ? cp.requireLong("revision") : policy.revision();
            long rng = withOptimizer ? cp.requireLong("rng_state") : policy.rngState();
            engine.restoreTrainingState(policy.handle(), cp, withOptimizer);
            policy.restore(revision, rng);
            return null;
        });
    }

    /** The policy's current factors in Java memory (the one copy off the device, for exports). */
    public CompletableFuture<LoraWeights> exportWeights(Policy policy) {
        return submit(() -> engine.exportWeights(policy.handle()));
    }

    /** Writes the policy's current adapter to {@code dir} in PEFT layout; returns the weights file's sha-256. */
    public CompletableFuture<String> exportPeft(Policy policy, Path dir) {
        return submit(() -> PeftAdapterIo.write(dir, engine.exportWeights(policy.handle()), engine.config()));
    }

    /** Drops the gradients the policy accumulated since its last optimizer step. */
    public CompletableFuture<Void> discardGradients(Policy policy) {
        return submit(() -> {
            engine.discardGradients(policy.handle());
            return null;
        });
    }

    /** Runs {@code work} on the service's thread, in order with everything else queued. */
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        return thread.submit(work);
    }

    /** Forward/backward steps that merged more than one policy. */
    public long mergedSteps() {
        return thread.mergedSteps();
    }

    /** The most policies one step held. */
    public long maxPoliciesPerStep() {
        return thread.maxPoliciesPerStep();
    }

    /** Generation batches that merged more than one call. */
    public long mergedGenerations() {
        return thread.mergedGenerations();
    }

    /** The most calls one generation batch held. */
    public long maxCallsPerGeneration() {
        return thread.maxCallsPerGeneration();
    }

    /** Decoding iterations of the continuous batch so far. */
    public long iterations() {
        return thread.iterations();
    }

    /** Boundaries between two micro-batches of training steps reached so far. */
    public long passBoundaries() {
        return thread.passBoundaries();
    }

    /** Times a training step let inference decode between two of its micro-batches. */
    public long yields() {
        return thread.yields();
    }

    /** Runs what is queued, then stops; later calls fail (engine work refused). Idempotent. The engine stays open. */
    @Override
    public void close() {
        thread.close();
    }
}
