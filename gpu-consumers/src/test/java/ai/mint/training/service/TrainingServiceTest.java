package ai.mint.training.service;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.OptimStepResult;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.lora.LoraKey;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.Projection;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.grpo.LrSchedule;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one training path: calls of several policies queued together run as one K-policy step and one generation
 * batch, and give each policy what it gets alone; the schedule is applied in the optimizer step; training never
 * copies a policy's factors off the device.
 */
class TrainingServiceTest {

    @TempDir
    static Path dir;
    static TrainableEngine engine;
    static TrainingService service;

    @BeforeAll
    static void open() {
        engine = TinyTrainingBase.open(dir, 9L);
        service = new TrainingService(engine, new MicroBatchBudget(5, 4096));
    }

    @AfterAll
    static void close() {
        service.close();
        engine.close();
    }

    private static List<Policy> policies(String prefix) {
        List<Policy> out = new ArrayList<>();
        List<Set<Projection>> targets = List.of(EnumSet.of(Projection.Q, Projection.V),
                EnumSet.of(Projection.GATE, Projection.DOWN), Projection.allOn(engine.config()));
        for (int k = 0; k < targets.size(); k++) {
            LoraWeights init = LoraWeights.random(engine.config(), targets.get(k), 2 + 2 * k, 8f, 40 + k, true);
            out.add(service.createPolicy(prefix + k, init, 70 + k, LrSchedule.CONSTANT).join());
        }
        return out;
    }

    private static List<Datum> data(long seed) {
        Random rnd = new Random(seed);
        List<Datum> data = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] prompt = rnd.ints(3, 97, 123).toArray();
            int[] completion = rnd.ints(2 + rnd.nextInt(4), 97, 123).toArray();
            float[] logprobs = new float[completion.length];
            java.util.Arrays.fill(logprobs, -3f);
            data.add(Datum.rollout(prompt, completion, logprobs, (float) rnd.nextGaussian()));
        }
        return data;
    }

    private static TrainingBatch batch(Policy p, int k) {
        return new TrainingBatch(p, data(500 + k), LossFunction.GRPO, LossConfig.DEFAULT);
    }

    private static void assertSameWeights(Policy a, Policy b, float tolerance) {
        LoraWeights wa = service.exportWeights(a).join();
        LoraWeights wb = service.exportWeights(b).join();
        for (LoraKey key : wa.a().keySet()) {
            float[] x = wa.b().get(key);
            float[] y = wb.b().get(key);
            for (int i = 0; i < x.length; i++) {
                assertThat(x[i]).as("B of %s", key).isCloseTo(y[i], Offset.offset(tolerance));
            }
        }
    }

    /**
     * What API clients ask for inside {@code together} is held until it returns, so separate forward/backward calls
     * of distinct policies run as one K-policy step even while the model thread sits idle between them.
     */
    @Test
    void shouldQueueCallsMadeTogetherOnlyWhenTogetherReturnsSoThatTheyRunAsOneStep() throws Exception {
        List<Policy> ps = policies("g");
        long mergedBefore = service.mergedSteps();
        List<CompletableFuture<ForwardBackwardOutput>> steps = service.together(() -> {
            List<CompletableFuture<ForwardBackwardOutput>> queued = new ArrayList<>();
            for (int k = 0; k < ps.size(); k++) {
                queued.add(service.forwardBackward(batch(ps.get(k), 30 + k)));
                try {
                    Thread.sleep(100); // an idle model thread takes a call queued alone well within this
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertThat(queued.get(k)).as("held until together returns").isNotDone();
            }
            return queued;
        });
        steps.forEach(CompletableFuture::join);

        assertThat(service.mergedSteps() - mergedBefore).as("one K-policy step").isEqualTo(1);
        for (Policy p : ps) {
            service.discardGradients(p).join();
            service.closePolicy(p).join();
        }
    }

    @Test
    void shouldStepKPoliciesQueuedTogetherAsOneStepEqualToKSingleSteps() {
        List<Policy> together = policies("t");
        List<Policy> alone = policies("a");
        long mergedBefore = service.mergedSteps();
        for (int step = 0; step < 2; step++) {
            List<TrainingBatch> batches = new ArrayList<>();
            for (int k = 0; k < together.size(); k++) {
                batches.add(batch(together.get(k), k + 10 * step));
            }
            List<Double> joint = service.forwardBackwardAll(batches).stream().map(f -> f.join().loss()).toList();
            for (int k = 0; k < alone.size(); k++) { // each waited for, so that none merges with the next
                double single = service.forwardBackward(batch(alone.get(k), k + 10 * step)).join().loss();
                assertThat(joint.get(k)).isCloseTo(single, Offset.offset(1e-5));
            }
            for (int k = 0; k < together.size(); k++) {
                service.optimStep(together.get(k), AdamConfig.of(2e-2)).join();
                service.optimStep(alone.get(k), AdamConfig.of(2e-2)).join();
            }
        }
        assertThat(service.mergedSteps() - mergedBefore).as("the queued calls merged").isEqualTo(2);
        assertThat(service.maxPoliciesPerStep()).isEqualTo(3);
        for (int k = 0; k < together.size(); k++) {
            assertThat(together.get(k).revision()).isEqualTo(2);
            // Adam scales tiny gradients up to the learning rate, so round-off of near-zero ones shows at ~1e-5;
            // the two steps move the weights by ~4e-2 (MultiPolicyStepTest checks the gradients at 1e-5)
            assertSameWeights(together.get(k), alone.get(k), 1e-4f);
            assertThat(together.get(k).hostCopies()).as("copies off the device: the export above only").isEqualTo(1);
        }
        together.forEach(p -> service.closePolicy(p).join());
        alone.forEach(p -> service.closePolicy(p).join());
    }

    @Test
    void shouldSampleKPoliciesQueuedTogetherInOneBatchAsEachAlone() {
        List<Policy> ps = policies("s");
        List<TrainingService.SampleRequest> calls = new ArrayList<>();
        for (int k = 0; k < ps.size(); k++) {
            List<GenerationRequest> rows = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rows.add(new GenerationRequest(ps.get(k).adapterId(), new int[] {72, 105 + i},
                        new GenerationParams(6, 1.0, 1.0, 100 * k + i, Set.of())));
            }
            calls.add(new TrainingService.SampleRequest(ps.get(k), rows));
        }
        long mergedBefore = service.mergedGenerations();
        List<CompletableFuture<TrainingService.Sampled>> merged = service.sampleAll(calls);
        merged.forEach(CompletableFuture::join);
        assertThat(service.mergedGenerations() - mergedBefore).isEqualTo(1);
        for (int k = 0; k < ps.size(); k++) {
            List<GenerationResult> alone = service.generate(calls.get(k).rows()).join();
            List<GenerationResult> together = merged.get(k).join().results();
            assertThat(merged.get(k).join().revision()).isZero();
            for (int i = 0; i < alone.size(); i++) {
                assertThat(together.get(i).tokens()).containsExactly(alone.get(i).tokens());
                for (int t = 0; t < alone.get(i).logProbs().length; t++) {
                    assertThat(together.get(i).logProbs()[t]).isCloseTo(alone.get(i).logProbs()[t],
                            Offset.offset(1e-5f));
                }
            }
        }
        ps.forEach(p -> service.closePolicy(p).join());
    }

    /**
     * Tinker's forward: merged across policies like forward_backward, the same loss and log-probs, and no gradient:
     * a forward between a forward_backward and its optimizer step leaves the step as it would be without it.
     */
    @Test
    void shouldForwardWithoutTouchingGradientsAndGiveTheLossOfForwardBackward() {
        List<Policy> probed = policies("fw");
        List<Policy> plain = policies("fp");
        List<TrainingBatch> batches = new ArrayList<>();
        for (int k = 0; k < probed.size(); k++) {
            batches.add(batch(probed.get(k), k));
        }
        long mergedBefore = service.mergedSteps();
        List<ForwardBackwardOutput> forwards = service.forwardAll(batches).stream().map(CompletableFuture::join)
                .toList();
        assertThat(service.mergedSteps() - mergedBefore).as("a merged forward counts as a merged step").isEqualTo(1);
        assertThatThrownBy(() -> service.optimStep(probed.get(0), AdamConfig.of(1e-2)).join())
                .hasMessageContaining("without a forward/backward");
        for (int k = 0; k < probed.size(); k++) {
            ForwardBackwardOutput fb = service.forwardBackward(batch(probed.get(k), k)).join();
            assertThat(forwards.get(k).loss()).isCloseTo(fb.loss(), Offset.offset(1e-5));
            assertThat(forwards.get(k).logprobs()[0][1]).isCloseTo(fb.logprobs()[0][1], Offset.offset(1e-5f));
            service.forwardAll(List.of(batch(probed.get(k), k + 7))).get(0).join(); // between fb and its step
            service.optimStep(probed.get(k), AdamConfig.of(2e-2)).join();
            service.forwardBackward(batch(plain.get(k), k)).join();
            service.optimStep(plain.get(k), AdamConfig.of(2e-2)).join();
            assertSameWeights(probed.get(k), plain.get(k), 1e-6f);
        }
        probed.forEach(p -> service.closePolicy(p).join());
        plain.forEach(p -> service.closePolicy(p).join());
    }

    @Test
    void shouldRefuseADatumLongerThanTheModelAtOnceNamingIt() {
        Policy p = policies("l").get(0);
        int[] tooLong = new int[engine.maxPositions() + 2];
        java.util.Arrays.fill(tooLong, 97);
        assertThatThrownBy(() -> service.forwardBackward(new TrainingBatch(p, List.of(Datum.supervised(tooLong, 1)),
                LossFunction.CROSS_ENTROPY, LossConfig.DEFAULT)).join())
                .hasMessageContaining("datum 0 has " + (tooLong.length - 1) + " tokens")
                .hasMessageContaining("at most " + engine.maxPositions());
    }

    @Test
    void shouldApplyThePolicysScheduleInTheOptimizerStep() {
        LoraWeights init = LoraWeights.random(engine.config(), EnumSet.of(Projection.Q), 2, 4f, 1, true);
        Policy warm = service.createPolicy("warm", init, 1, LrSchedule.linearWarmup(4)).join();
        List<Double> rates = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
            service.forwardBackward(batch(warm, step)).join();
            OptimStepResult r = service.optimStep(warm, AdamConfig.of(0.4)).join();
            rates.add(r.learningRate());
        }
        assertThat(rates).containsExactly(0.1, 0.2, 0.30000000000000004, 0.4, 0.4);
        assertThat(warm.revision()).isEqualTo(5);
        service.closePolicy(warm).join();
    }

    @Test
    void shouldFailOnlyTheCallWhoseForwardFailsWhenCallsMerge() {
        List<Policy> ps = policies("f");
        long mergedBefore = service.mergedSteps();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> hold = service.submit(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        CompletableFuture<ForwardBackwardOutput> good = service.forwardBackward(batch(ps.get(0), 1));
        CompletableFuture<ForwardBackwardOutput> bad = service.forwardBackward(batch(ps.get(1), 2));
        CompletableFuture<ForwardBackwardOutput> alsoGood = service.forwardBackward(batch(ps.get(2), 3));
        ps.get(1).handle().close(); // closed while its call waits in the queue: the merged step cannot run
        release.countDown();
        hold.join();
        assertThat(good.join().loss()).isFinite();
        assertThat(alsoGood.join().loss()).isFinite();
        assertThatThrownBy(bad::join).hasMessageContaining("closed");
        assertThat(service.mergedSteps()).as("the merge failed, the calls ran one by one").isEqualTo(mergedBefore);
        // the failed merge left no gradient behind: the good ones step once, the bad one has nothing to step
        assertThat(service.optimStep(ps.get(0), AdamConfig.of(1e-2)).join().step()).isEqualTo(1);
        assertThat(service.optimStep(ps.get(2), AdamConfig.of(1e-2)).join().step()).isEqualTo(1);
        service.closePolicy(ps.get(0)).join();
        service.closePolicy(ps.get(2)).join();
    }
}
