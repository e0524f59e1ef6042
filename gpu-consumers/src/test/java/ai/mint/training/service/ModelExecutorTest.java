package ai.mint.training.service;

import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TokenSink;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.Projection;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.grpo.LrSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model executor's policy on a real engine: inference that arrives during a K-policy step is decoded between the
 * step's micro-batches (it waits for one micro-batch, not for the step), the step's result is the same as without
 * interleaving, and with interleaving off the same request waits for the whole step.
 */
class ModelExecutorTest {

    @TempDir
    static Path dir;
    static TrainableEngine engine;

    @BeforeAll
    static void open() {
        engine = TinyTrainingBase.open(dir, 13L);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** 120 rows, one per micro-batch: a step of 120 passes. */
    private static TrainingBatch longStep(Policy p) {
        Random rnd = new Random(3);
        List<Datum> data = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            int[] prompt = rnd.ints(4, 97, 123).toArray();
            int[] completion = rnd.ints(4, 97, 123).toArray();
            float[] logprobs = new float[completion.length];
            java.util.Arrays.fill(logprobs, -3f);
            data.add(Datum.rollout(prompt, completion, logprobs, (float) rnd.nextGaussian()));
        }
        return new TrainingBatch(p, data, LossFunction.GRPO, LossConfig.DEFAULT);
    }

    private record Run(ForwardBackwardOutput step, GenerationResult inference, boolean stepDoneWhenAnswered,
                       long yields) {
    }

    private static Run stepWithInferenceArriving(boolean interleave) {
        try (TrainingService service = new TrainingService(engine, new MicroBatchBudget(1, 4096), 64,
                Duration.ofSeconds(30), interleave)) {
            LoraWeights init = LoraWeights.random(engine.config(), EnumSet.of(Projection.Q, Projection.V), 4, 8f, 5,
                    true);
            Policy policy = service.createPolicy("p", init, 1, LrSchedule.CONSTANT).join();
            CompletableFuture<ForwardBackwardOutput> step = service.forwardBackward(longStep(policy));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (service.passBoundaries() < 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the step is under way: its first micro-batch is done
            }
            CompletableFuture<GenerationResult> inference = service.serve(new GenerationRequest(null,
                    new int[] {100, 101, 102}, GenerationParams.greedy(4)), TokenSink.NONE);
            GenerationResult answered = inference.join();
            boolean stepDone = step.isDone();
            return new Run(step.join(), answered, stepDone, service.yields());
        }
    }

    @Test
    void inferenceArrivingDuringAStepIsAnsweredBetweenItsMicroBatchesAndTheStepIsUnchanged() {
        Run interleaved = stepWithInferenceArriving(true);
        Run whole = stepWithInferenceArriving(false);

        assertThat(interleaved.stepDoneWhenAnswered()).as("answered before the step of 120 passes ended").isFalse();
        assertThat(interleaved.yields()).isPositive();
        assertThat(whole.stepDoneWhenAnswered()).as("without interleaving it waits for the whole step").isTrue();
        assertThat(whole.yields()).isZero();

        assertThat(interleaved.inference().tokens()).containsExactly(whole.inference().tokens());
        assertThat(interleaved.step().loss()).isCloseTo(whole.step().loss(),
                org.assertj.core.data.Offset.offset(1e-5));
    }
}
