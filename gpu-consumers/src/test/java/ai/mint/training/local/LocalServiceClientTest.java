package ai.mint.training.local;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LoraConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.SampleResponse;
import ai.mint.api.SamplingClient;
import ai.mint.api.SamplingConfig;
import ai.mint.api.SavedCheckpoint;
import ai.mint.api.TrainingClient;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.service.TrainingService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Tinker-shaped API, local implementation, on the tiny base. */
class LocalServiceClientTest {

    @TempDir
    Path dir;
    TrainableEngine engine;
    TrainingService training;
    LocalServiceClient service;

    @BeforeEach
    void open() {
        engine = TinyTrainingBase.open(dir.resolve("base"), 5L);
        training = new TrainingService(engine, MicroBatchBudget.DEFAULT);
        service = new LocalServiceClient("tiny", training, dir.resolve("checkpoints"));
    }

    @AfterEach
    void close() {
        service.close();
        training.close();
        engine.close();
    }

    private List<Datum> sft(String prompt, String answer) {
        int[] p = engine.encode(prompt);
        int[] a = engine.encode(answer);
        int[] seq = new int[p.length + a.length];
        System.arraycopy(p, 0, seq, 0, p.length);
        System.arraycopy(a, 0, seq, p.length, a.length);
        return List.of(Datum.supervised(seq, p.length));
    }

    @Test
    void shouldLowerTheSupervisedLossWithForwardBackwardAndOptimStep() {
        TrainingClient client = service.createLoraTrainingClient("tiny", LoraConfig.of(4, 1));
        List<Datum> batch = sft("2+2=", "4, four");
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            CompletableFuture<ForwardBackwardOutput> fb = client.forwardBackward(batch, LossFunction.CROSS_ENTROPY);
            CompletableFuture<?> step = client.optimStep(AdamConfig.of(2e-2)); // queued behind fb, no join between
            losses.add(fb.join().loss());
            step.join();
        }
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) * 0.5);
        assertThat(client.forwardBackward(batch, LossFunction.CROSS_ENTROPY).join().logprobs()[0])
                .hasSize(batch.get(0).length());
    }

    @Test
    void shouldMergeForwardBackwardCallsOfDifferentPoliciesIntoOneStep() throws Exception {
        List<TrainingClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(service.createLoraTrainingClient("tiny", LoraConfig.of(2 + i, i), "p" + i));
        }
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> hold = training.submit(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        List<CompletableFuture<ForwardBackwardOutput>> pending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pending.add(clients.get(i).forwardBackward(sft("q" + i, "a" + i), LossFunction.CROSS_ENTROPY));
        }
        release.countDown();
        hold.join();
        List<Double> merged = pending.stream().map(f -> f.join().loss()).toList();
        assertThat(training.maxPoliciesPerStep()).isEqualTo(3);
        assertThat(training.mergedSteps()).isEqualTo(1);
        // the same call alone gives the same loss (the weights have not been stepped)
        for (int i = 0; i < 3; i++) {
            double alone = clients.get(i).forwardBackward(sft("q" + i, "a" + i), LossFunction.CROSS_ENTROPY).join().loss();
            assertThat(alone).isCloseTo(merged.get(i), org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void shouldSaveLoadAndExportLikeTinker() {
        TrainingClient client = service.createLoraTrainingClient("tiny", LoraConfig.of(4, 3), "saver");
        List<Datum> batch = sft("hello", " world");
        client.forwardBackward(batch, LossFunction.CROSS_ENTROPY).join();
        client.optimStep(AdamConfig.of(1e-2)).join();
        SavedCheckpoint state = client.saveState("after-1").join();
        assertThat(state.uri()).isEqualTo("mint://saver/state/after-1");
        assertThat(state.sha256()).hasSize(64);

        // a second client restored with its optimizer takes the same next step as the original
        TrainingClient copy = service.createLoraTrainingClient("tiny", LoraConfig.of(4, 99), "copy");
        copy.loadStateWithOptimizer(state.uri()).join();
        double originalLoss = client.forwardBackward(batch, LossFunction.CROSS_ENTROPY).join().loss();
        double copyLoss = copy.forwardBackward(batch, LossFunction.CROSS_ENTROPY).join().loss();
        assertThat(copyLoss).isEqualTo(originalLoss);
        assertThat(copy.optimStep(AdamConfig.of(1e-2)).join().step()).isEqualTo(2);

        // the exported revision samples exactly like the trainer's current weights, given the same seed
        SamplingConfig params = new SamplingConfig(6, 1.0, 42L);
        int[] prompt = engine.encode("hi");
        client.optimStep(AdamConfig.of(1e-2)).join();
        SamplingClient sampler = client.saveWeightsAndGetSamplingClient("rev-2").join();
        SampleResponse fromTrainer = client.sample(prompt, 3, params).join();
        SampleResponse fromExport = sampler.sample(prompt, 3, params).join();
        assertThat(fromTrainer.revision()).isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            assertThat(fromExport.sequences().get(i).tokens()).containsExactly(fromTrainer.sequences().get(i).tokens());
        }
    }

    @Test
    void shouldSampleTheNewWeightsWhenARevisionNameIsExportedAgain() {
        TrainingClient client = service.createLoraTrainingClient("tiny", LoraConfig.of(4, 3), "again");
        List<Datum> batch = sft("hello", " world");
        SamplingConfig params = new SamplingConfig(6, 1.0, 7L);
        int[] prompt = engine.encode("he");
        client.forwardBackward(batch, LossFunction.CROSS_ENTROPY).join();
        client.optimStep(AdamConfig.of(5e-2)).join();
        SampleResponse first = client.saveWeightsAndGetSamplingClient("latest").join().sample(prompt, 2, params).join();
        client.forwardBackward(batch, LossFunction.CROSS_ENTROPY).join();
        client.optimStep(AdamConfig.of(5e-2)).join();
        SampleResponse second = client.saveWeightsAndGetSamplingClient("latest").join().sample(prompt, 2, params).join();
        SampleResponse trainer = client.sample(prompt, 2, params).join();
        for (int i = 0; i < 2; i++) {
            assertThat(second.sequences().get(i).tokens()).containsExactly(trainer.sequences().get(i).tokens());
            assertThat(second.sequences().get(i).logprobs()).containsExactly(trainer.sequences().get(i).logprobs(),
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(second.sequences().get(0).logprobs()).isNotEqualTo(first.sequences().get(0).logprobs());
    }

    @Test
    void shouldFailFuturesWithClearReasons() {
        assertThatThrownBy(() -> service.createLoraTrainingClient("llama-70b", 4)).hasMessageContaining("not resident");
        TrainingClient client = service.createLoraTrainingClient("tiny", LoraConfig.of(2, 0), "err");
        assertThatThrownBy(() -> client.optimStep(AdamConfig.of(1e-3)).join()).isInstanceOf(CompletionException.class)
                .hasMessageContaining("without a forward/backward");
        assertThatThrownBy(() -> client.forwardBackward(sft("a", "b"), LossFunction.PPO).join())
                .hasMessageContaining("lacks the sampling log-probs");
        assertThatThrownBy(() -> client.loadState("mint://err/state/missing").join()).hasMessageContaining("no checkpoint at mint://err/state/missing");
        assertThatThrownBy(() -> service.createLoraTrainingClient("tiny", LoraConfig.of(2, 0), "err"))
                .hasMessageContaining("already has a training client");
    }

    @Test
    void shouldFailOnlyTheCallerWhoseDatumHasATokenOutsideTheVocabulary() {
        TrainingClient good = service.createLoraTrainingClient("tiny", LoraConfig.of(2, 1), "good");
        TrainingClient bad = service.createLoraTrainingClient("tiny", LoraConfig.of(2, 2), "bad");
        int vocab = engine.config().vocabSize();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> hold = training.submit(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        // both queued behind the hold, so without validation at entry they would share one batched forward
        CompletableFuture<ForwardBackwardOutput> fine = good.forwardBackward(sft("q", "a"), LossFunction.CROSS_ENTROPY);
        CompletableFuture<ForwardBackwardOutput> broken = bad.forwardBackward(
                List.of(Datum.supervised(new int[]{72, 105, vocab + 5, 33}, 1)), LossFunction.CROSS_ENTROPY);
        release.countDown();
        hold.join();
        assertThat(fine.join().loss()).isPositive();
        assertThatThrownBy(broken::join).hasMessageContaining("token " + (vocab + 5))
                .hasMessageContaining("inputTokens[2]").hasMessageContaining("vocabulary [0, " + vocab + ")");
    }

    @Test
    void shouldGiveConcurrentCallersDistinctPolicyIds() throws Exception {
        service.createLoraTrainingClient("tiny", LoraConfig.of(2, 0), "policy-2"); // a caller-chosen id is skipped
        int callers = 6;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<String>> ids = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            long seed = i;
            ids.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return service.createLoraTrainingClient("tiny", LoraConfig.of(2, seed)).policyId();
            }, runnable -> new Thread(runnable).start()));
        }
        go.countDown();
        List<String> got = ids.stream().map(CompletableFuture::join).toList();
        assertThat(got).doesNotHaveDuplicates().hasSize(callers).doesNotContain("policy-2")
                .allMatch(id -> id.matches("policy-\\d+"));
    }
}
