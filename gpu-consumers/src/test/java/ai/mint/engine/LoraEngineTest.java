package ai.mint.engine;

import ai.djl.ndarray.NDManager;
import ai.mint.engine.lora.WorkingSet;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine end to end: working set under a byte budget, adapter replacement, native memory over many batches. */
class LoraEngineTest {

    @TempDir
    Path dir;

    private LoraEngine engine(ModelConfig c, long budget) {
        BaseModelInitializer.write(dir.resolve("base"), c, 3, DType.F32);
        return LoraEngine.open(EngineConfig.of(dir.resolve("base")).withAdapterBudget(budget));
    }

    private List<LoraWeights> adapters(ModelConfig c, int n, int rank) {
        List<LoraWeights> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(LoraWeights.random(c, Projection.allOn(c), rank, 2f * rank, 100 + i, true));
        }
        return out;
    }

    /** Three new tokens: a prefill and two single-token steps that append to the KV cache. */
    private static GenerationRequest request(String adapter, int... prompt) {
        return new GenerationRequest(adapter, prompt, GenerationParams.greedy(3));
    }

    @Test
    void rootManagerResourceCountIsStableOverAThousandBatchesWithLoadsAndEvictions() {
        ModelConfig c = TestModels.microDense();
        List<LoraWeights> ws = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ws.add(LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.V, Projection.DOWN), 2, 4f, i, true));
        }
        try (LoraEngine e = engine(c, ws.get(0).byteSize() * 3)) {
            for (int i = 0; i < ws.size(); i++) {
                PeftAdapterIo.write(dir.resolve("a" + i), ws.get(i), c);
                e.registerAdapter("a" + i, dir.resolve("a" + i));
            }
            NDManager root = e.model().base().manager();
            e.generate(List.of(request("a0", 1, 2), request(null, 3)));
            e.evictAdapter("a0");
            int before = root.getManagedArrays().size();
            int resourcesBefore = ResourceCounts.recursive(root);
            long evictionsBefore = e.workingSetInternals().evictions();
            for (int batch = 0; batch < 1000; batch++) {
                // 2 of 6 adapters per batch with room for 3: most batches evict and load
                e.generate(List.of(request("a" + batch % 6, 1, 2, 3), request("a" + (batch * 5 + 1) % 6, 4),
                        request(null, 5, 6)));
                assertThat(e.residentAdapterBytes()).isLessThanOrEqualTo(ws.get(0).byteSize() * 3);
            }
            assertThat(e.workingSetInternals().evictions() - evictionsBefore).isGreaterThan(500);
            // sub-managers count too: resident adapters show up in the root's arrays
            assertThat(root.getManagedArrays().size()).isGreaterThan(before);
            e.residentAdapters().forEach(e::evictAdapter);
            assertThat(root.getManagedArrays().size()).isEqualTo(before);
            assertThat(ResourceCounts.recursive(root)).as("arrays, sub-managers and other resources")
                    .isEqualTo(resourcesBefore);
        }
    }

    @Test
    void budgetCountsRankAndABatchWhoseAdaptersExceedTheBudgetIsSplitNotFailed() {
        ModelConfig c = TestModels.microDense();
        LoraWeights small = adapters(c, 1, 1).get(0);
        LoraWeights big = adapters(c, 1, 16).get(0);
        assertThat(big.byteSize()).isEqualTo(small.byteSize() * 16);
        try (LoraEngine e = engine(c, big.byteSize() + 4 * small.byteSize())) {
            PeftAdapterIo.write(dir.resolve("big"), big, c);
            e.registerAdapter("big", dir.resolve("big"));
            for (int i = 0; i < 4; i++) {
                PeftAdapterIo.write(dir.resolve("s" + i), small, c);
                e.registerAdapter("s" + i, dir.resolve("s" + i));
            }
            e.generate(List.of(request("big", 1), request("s0", 1), request("s1", 1), request("s2", 1),
                    request("s3", 1)));
            assertThat(e.residentAdapters()).containsExactlyInAnyOrder("big", "s0", "s1", "s2", "s3");
            LoraWeights other = LoraWeights.random(c, Projection.allOn(c), 16, 32f, 999, true);
            PeftAdapterIo.write(dir.resolve("big2"), other, c);
            e.registerAdapter("big2", dir.resolve("big2"));
            GenerationRequest a = new GenerationRequest("big", new int[] {4, 5}, GenerationParams.greedy(6));
            GenerationRequest b = new GenerationRequest("big2", new int[] {4, 5}, GenerationParams.greedy(6));
            // both at once would need twice the budget: the second waits for the first to finish, then loads
            List<GenerationResult> together = e.generate(List.of(a, b));
            assertThat(e.workingSetInternals().peakDeviceBytes()).isLessThanOrEqualTo(e.adapterBudgetBytes());
            assertThat(together.get(0).tokens()).containsExactly(e.generate(List.of(a)).get(0).tokens());
            assertThat(together.get(1).tokens()).containsExactly(e.generate(List.of(b)).get(0).tokens());
            assertThat(together.get(0).logProbs()).isNotEqualTo(together.get(1).logProbs());
        }
    }

    /** Issue 13 item 8: one corrupt adapter in a batch fails only its own requests; the rest are answered. */
    @Test
    void oneCorruptAdapterFailsOnlyItsOwnRequestsAndTheRestOfItsBatchIsAnswered() throws Exception {
        ModelConfig c = TestModels.microDense();
        List<LoraWeights> ws = adapters(c, 2, 4);
        try (LoraEngine e = engine(c, 1L << 20)) {
            for (int i = 0; i < 2; i++) {
                PeftAdapterIo.write(dir.resolve("ok" + i), ws.get(i), c);
                e.registerAdapter("ok" + i, dir.resolve("ok" + i));
            }
            PeftAdapterIo.write(dir.resolve("corrupt"), adapters(c, 1, 4).get(0), c);
            java.nio.file.Files.write(dir.resolve("corrupt").resolve(PeftAdapterIo.WEIGHTS), new byte[] {7, 7, 7});
            e.registerAdapter("corrupt", dir.resolve("corrupt"));
            List<GenerationRequest> rows = List.of(request("ok0", 1, 2), request("corrupt", 3), request("ok1", 4, 5),
                    request("corrupt", 6, 7), request(null, 8));
            var batch = e.openBatch(16, () -> { });
            List<java.util.concurrent.CompletableFuture<GenerationResult>> results = new ArrayList<>();
            rows.forEach(r -> results.add(batch.submit(r, TokenSink.NONE)));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (batch.pending() > 0 && System.nanoTime() < deadline) {
                if (!batch.step()) {
                    Thread.onSpinWait();
                }
            }
            batch.close();
            for (int i : new int[] {1, 3}) {
                assertThatThrownBy(results.get(i)::join).hasMessageContaining("adapter 'corrupt' failed to load");
            }
            for (int i : new int[] {0, 2, 4}) {
                GenerationResult alone = e.generate(List.of(rows.get(i))).get(0);
                assertThat(results.get(i).join().tokens()).as("row %d", i).containsExactly(alone.tokens());
            }
            assertThat(e.adapterStatus("corrupt").state()).isEqualTo(AdapterState.FAILED);
            assertThat(e.adapterStatus("corrupt").failure()).contains("failed to load");
        }
    }

    @Test
    void anAdapterLargerThanTheWholeBudgetFailsOnlyItsOwnRequests() {
        ModelConfig c = TestModels.microDense();
        LoraWeights small = adapters(c, 1, 1).get(0);
        LoraWeights huge = adapters(c, 1, 16).get(0);
        try (LoraEngine e = engine(c, 4 * small.byteSize())) {
            PeftAdapterIo.write(dir.resolve("small"), small, c);
            PeftAdapterIo.write(dir.resolve("huge"), huge, c);
            e.registerAdapter("small", dir.resolve("small"));
            e.registerAdapter("huge", dir.resolve("huge"));
            var batch = e.openBatch(16, () -> { });
            var ok = batch.submit(request("small", 1, 2), TokenSink.NONE);
            var refused = batch.submit(request("huge", 1, 2), TokenSink.NONE);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (batch.pending() > 0 && System.nanoTime() < deadline) {
                if (!batch.step()) {
                    Thread.onSpinWait();
                }
            }
            batch.close();
            assertThat(ok.join().tokens()).hasSize(3);
            assertThatThrownBy(refused::join).hasMessageContaining("'huge' cannot be placed")
                    .hasMessageContaining("device budget is " + 4 * small.byteSize());
            assertThat(e.adapterStatus("huge").state()).isEqualTo(AdapterState.FAILED);
        }
    }

    @Test
    void replacedAdapterServesTheNewRevisionAndZeroRevisionEqualsBase() {
        ModelConfig c = TestModels.microDense();
        LoraWeights v1 = adapters(c, 1, 4).get(0);
        LoraWeights v2 = LoraWeights.random(c, Projection.allOn(c), 4, 8f, 7, false); // B = 0
        PeftAdapterIo.write(dir.resolve("v1"), v1, c);
        PeftAdapterIo.write(dir.resolve("v2"), v2, c);
        try (LoraEngine e = engine(c, 1L << 20)) {
            e.registerAdapter("p", dir.resolve("v1"));
            GenerationParams six = GenerationParams.greedy(6);
            int[] prompt = {10, 20, 30};
            GenerationResult base = e.generate(List.of(new GenerationRequest(null, prompt, six))).get(0);
            GenerationResult withV1 = e.generate(List.of(new GenerationRequest("p", prompt, six))).get(0);
            assertThat(withV1.logProbs()).isNotEqualTo(base.logProbs());
            e.replaceAdapter("p", dir.resolve("v2"));
            GenerationResult withV2 = e.generate(List.of(new GenerationRequest("p", prompt, six))).get(0);
            assertThat(withV2.tokens()).containsExactly(base.tokens());
            assertThat(withV2.logProbs()).containsExactly(base.logProbs());
        }
    }

    @Test
    void leftPaddingDoesNotChangeARowsResult() {
        ModelConfig c = TestModels.microMoe();
        try (LoraEngine e = engine(c, 1L << 20)) {
            GenerationParams p = GenerationParams.greedy(5);
            int[] shortPrompt = {7, 8};
            GenerationResult alone = e.generate(List.of(new GenerationRequest(null, shortPrompt, p))).get(0);
            GenerationResult padded = e.generate(List.of(new GenerationRequest(null, new int[] {1, 2, 3, 4, 5, 6, 7},
                    p), new GenerationRequest(null, shortPrompt, p))).get(1);
            assertThat(padded.tokens()).containsExactly(alone.tokens());
            for (int i = 0; i < alone.logProbs().length; i++) {
                assertThat(padded.logProbs()[i]).isCloseTo(alone.logProbs()[i],
                        org.assertj.core.api.Assertions.within(1e-5f));
            }
        }
    }

    /**
     * A long batch on adapter p runs on another thread while q is loaded, p is replaced (which must evict q: the
     * old p drains under its rows and counts against the budget) and the new p is evicted. The batch finishes on the
     * old revision, and every byte and native resource comes back.
     */
    @Test
    void loadEvictReplaceWhileAnotherBatchIsBeingServed() throws Exception {
        ModelConfig c = TestModels.microDense();
        List<LoraWeights> ws = adapters(c, 3, 4);
        long size = ws.get(0).byteSize();
        for (int i = 0; i < 3; i++) {
            PeftAdapterIo.write(dir.resolve("w" + i), ws.get(i), c);
        }
        try (LoraEngine e = engine(c, 2 * size)) {
            WorkingSet set = e.workingSetInternals();
            NDManager root = e.model().base().manager();
            int baseline = ResourceCounts.recursive(root);
            e.registerAdapter("p", dir.resolve("w0"));
            e.registerAdapter("q", dir.resolve("w1"));
            GenerationRequest longBatch = new GenerationRequest("p", new int[] {10, 20, 30},
                    GenerationParams.greedy(400));
            GenerationResult onV1 = e.generate(List.of(longBatch)).get(0);
            e.evictAdapter("p");
            assertThat(ResourceCounts.recursive(root)).isEqualTo(baseline);

            java.util.concurrent.CompletableFuture<GenerationResult> running =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> e.generate(List.of(longBatch)).get(0));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (set.copiesInUse() == 0 && !running.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(1);   // gpu-consumers has no Awaitility; a bounded poll does the same
            }
            assertThat(set.copiesInUse()).as("the batch holds its adapter").isEqualTo(1);
            e.prefetch("q").join();
            assertThat(e.residentAdapters()).containsExactlyInAnyOrder("p", "q");
            e.replaceAdapter("p", dir.resolve("w2"));
            e.prefetch("p").join();
            assertThat(running).as("the batch must still be running for this test to mean anything").isNotDone();
            assertThat(set.drainingCount()).isEqualTo(1);
            assertThat(e.adapterStatus("q").state()).as("q evicted to make room").isEqualTo(AdapterState.READY_CPU);
            assertThat(e.residentAdapters()).containsExactly("p");
            assertThat(set.deviceBytesUsed()).isLessThanOrEqualTo(2 * size);
            e.evictAdapter("p");
            assertThat(set.deviceBytesUsed()).isEqualTo(size);

            GenerationResult served = running.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(served.tokens()).containsExactly(onV1.tokens());
            assertThat(served.logProbs()).containsExactly(onV1.logProbs());
            assertThat(set.drainingCount()).isZero();
            assertThat(set.copiesInUse()).isZero();
            assertThat(set.deviceBytesUsed()).isZero();
            assertThat(set.peakDeviceBytes()).isLessThanOrEqualTo(2 * size);
            assertThat(ResourceCounts.recursive(root)).isEqualTo(baseline);
            assertThat(e.generate(List.of(longBatch)).get(0).logProbs()).as("the new revision serves now")
                    .isNotEqualTo(onV1.logProbs());
        }
    }

    @Test
    void aRevisionThatCannotFitChangesNothing() {
        ModelConfig c = TestModels.microDense();
        LoraWeights v1 = adapters(c, 1, 4).get(0);
        LoraWeights tooBig = adapters(c, 1, 16).get(0);
        PeftAdapterIo.write(dir.resolve("v1"), v1, c);
        PeftAdapterIo.write(dir.resolve("big"), tooBig, c);
        try (LoraEngine e = engine(c, 2 * v1.byteSize())) {
            e.registerAdapter("p", dir.resolve("v1"));
            GenerationRequest req = new GenerationRequest("p", new int[] {1, 2}, GenerationParams.greedy(4));
            GenerationResult before = e.generate(List.of(req)).get(0);
            assertThatThrownBy(() -> e.replaceAdapter("p", dir.resolve("big")))
                    .isInstanceOf(EngineException.class).hasMessageContaining("budget");
            assertThat(e.generate(List.of(req)).get(0).logProbs()).containsExactly(before.logProbs());
            e.evictAdapter("p");  // reloads from the store: still the old files and the old decoded copy
            assertThat(e.generate(List.of(req)).get(0).logProbs()).containsExactly(before.logProbs());
        }
    }

    @Test
    void promptPlusMaxTokensBeyondMaxPositionsIsRefusedBeforeAnyWork() {
        ModelConfig c = ModelConfig.fromJson(TestModels.microDense().toJson().put("max_position_embeddings", 8));
        try (LoraEngine e = engine(c, 1L << 20)) {
            assertThatThrownBy(() -> e.generate(List.of(new GenerationRequest(null, new int[] {1, 2, 3, 4, 5},
                    GenerationParams.greedy(4))))).isInstanceOf(EngineException.class)
                    .hasMessageContaining("max_position_embeddings 8");
            assertThat(e.workingSetInternals().copiesInUse()).isZero();
        }
    }

    @Test
    void shouldRoundTripTextWithTheBaseTokenizerAndRefuseItOnceClosed() {
        LoraEngine e = engine(TestModels.microDense(), 1L << 20);
        int[] ids = e.encode("Hi 7");
        assertThat(ids).containsExactly('H', 'i', ' ', '7'); // byte-level: one id per ASCII byte
        assertThat(e.decode(ids)).isEqualTo("Hi 7");
        e.close();
        assertThatThrownBy(() -> e.encode("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> e.decode(ids)).isInstanceOf(IllegalStateException.class);
    }

    /** Decoded adapters live on the heap: a CPU tier larger than half of it would fail with OutOfMemoryError first. */
    @Test
    void shouldBoundTheCpuTierByHalfTheHeap() {
        long mib = 1L << 20;
        assertThat(LoraEngine.heapBoundedCpuBudget(2048 * mib, 512 * mib)).isEqualTo(256 * mib);
        assertThat(LoraEngine.heapBoundedCpuBudget(100 * mib, 512 * mib)).isEqualTo(100 * mib);
        assertThat(LoraEngine.heapBoundedCpuBudget(0, 512 * mib)).isZero();
    }
}
