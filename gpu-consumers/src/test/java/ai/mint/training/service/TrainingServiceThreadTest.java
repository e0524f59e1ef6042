package ai.mint.training.service;

import ai.mint.engine.EngineConfig;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service thread's contract: every submitted future completes, whatever the work throws and whenever the service
 * closes.
 */
class TrainingServiceThreadTest {

    @TempDir
    static Path dir;
    static TrainableEngine engine;

    @BeforeAll
    static void load() {
        BaseModelInitializer.write(dir, TestModels.microDense(), 3L, DType.F32);
        engine = TrainableEngine.open(EngineConfig.of(dir));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static TrainingService service() {
        return new TrainingService(engine, MicroBatchBudget.DEFAULT);
    }

    @Test
    void shouldFailTheFutureOfWorkThatThrowsAnErrorAndKeepServing() throws Exception {
        try (TrainingService worker = service()) {
            CompletableFuture<Object> broken = worker.submit(() -> {
                throw new StackOverflowError("deep recursion in a reward");
            });
            assertThatThrownBy(() -> broken.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(StackOverflowError.class).hasMessageContaining("deep recursion");
            assertThat(worker.<Integer>submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
        }
    }

    @Test
    void shouldRejectSubmissionsAfterClose() {
        TrainingService worker = service();
        worker.close();
        worker.close(); // idempotent
        assertThat(worker.submit(() -> 1)).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class).withMessageContaining(ModelExecutor.CLOSED);
    }

    @Test
    void shouldCompleteEveryFutureWhenClosedWhileOthersSubmit() throws Exception {
        TrainingService worker = service();
        int threads = 4;
        List<List<CompletableFuture<Integer>>> perThread = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<CompletableFuture<Integer>> mine = new ArrayList<>();
            perThread.add(mine);
            Thread s = new Thread(() -> {
                started.countDown();
                for (int i = 0; i < 2_000; i++) {
                    int v = i;
                    mine.add(worker.submit(() -> v));
                }
            });
            submitters.add(s);
            s.start();
        }
        started.await();
        worker.close(); // lands somewhere in the middle of the submissions
        for (Thread s : submitters) {
            s.join();
        }
        int served = 0;
        int refused = 0;
        for (List<CompletableFuture<Integer>> mine : perThread) {
            for (CompletableFuture<Integer> f : mine) {
                try {
                    f.get(10, TimeUnit.SECONDS); // a future left pending would time out here
                    served++;
                } catch (ExecutionException e) {
                    assertThat(e).hasMessageContaining(ModelExecutor.CLOSED);
                    refused++;
                }
            }
        }
        assertThat(served + refused).isEqualTo(threads * 2_000);
    }
}
