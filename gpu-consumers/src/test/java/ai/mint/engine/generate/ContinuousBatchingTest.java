package ai.mint.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.ResourceCounts;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Continuous batching against independent computations: each request joining a running batch at its own iteration
 * (mixed adapters, ranks, prompt and output lengths, greedy and seeded sampling) gets the tokens and log-probs it
 * gets alone; cached decoding equals a full recomputation of the row at every step; a long prompt prefilled in chunks
 * never stops the running rows from decoding; rows that leave give their memory back.
 */
class ContinuousBatchingTest {

    @TempDir
    static Path dir;
    static DecoderModel model;
    static Generations.FixedLeases leases;

    @BeforeAll
    static void load() {
        model = TestModels.create(dir, TestModels.microMoe(), 21);
        var c = model.config();
        Map<String, LoraWeights> w = new LinkedHashMap<>();
        w.put("a", LoraWeights.random(c, EnumSet.allOf(Projection.class), 4, 8f, 1, true));
        w.put("b", LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.V), 2, 4f, 2, true));
        w.put("c", LoraWeights.random(c, EnumSet.of(Projection.DOWN, Projection.O), 1, 2f, 3, true));
        leases = new Generations.FixedLeases(model, w);
    }

    @AfterAll
    static void close() {
        leases.close();
        model.base().close();
    }

    private static int[] prompt(int length, int seed) {
        int[] p = new int[length];
        for (int i = 0; i < length; i++) {
            p[i] = (seed * 37 + i * 11) % 250 + 1;
        }
        return p;
    }

    /** Twelve requests: adapters a/b/c/none, prompts 1..23 tokens, outputs 2..17 tokens, greedy and seeded. */
    private static List<GenerationRequest> mixed() {
        String[] adapters = {"a", null, "b", "c", "a", "b", null, "c", "a", "a", "b", null};
        List<GenerationRequest> rows = new ArrayList<>();
        for (int i = 0; i < adapters.length; i++) {
            GenerationParams p = i % 2 == 0 ? GenerationParams.greedy(2 + (i * 5) % 16)
                    : new GenerationParams(3 + (i * 7) % 15, 1.3, 0.9, 500 + i, Set.of());
            rows.add(new GenerationRequest(adapters[i], prompt(1 + (i * 7) % 23, i), p));
        }
        return rows;
    }

    private static void assertSame(GenerationResult actual, GenerationResult expected, String what) {
        assertThat(actual.tokens()).as(what + " tokens").containsExactly(expected.tokens());
        assertThat(actual.finishReason()).as(what + " finish").isEqualTo(expected.finishReason());
        for (int i = 0; i < expected.logProbs().length; i++) {
            assertThat(actual.logProbs()[i]).as(what + " log-prob %d", i).isCloseTo(expected.logProbs()[i],
                    within(1e-5f));
        }
    }

    @Test
    void requestsJoiningARunningBatchGetTheTokensAndLogProbsTheyGetAlone() {
        var settings = new ContinuousGenerator.Settings(3, 16, 64); // small groups and chunks: many joins per run
        List<GenerationRequest> rows = mixed();
        List<GenerationResult> alone = rows.stream().map(r -> Generations.alone(model, settings, leases, r)).toList();
        try (ContinuousGenerator g = Generations.open(model, settings, leases)) {
            List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
            int iteration = 0;
            int maxRunning = 0;
            // request i arrives before iteration 2 * i: every one joins rows that are already decoding
            while (futures.size() < rows.size() || g.pending() > 0) {
                if (futures.size() < rows.size() && iteration >= 2 * futures.size()) {
                    futures.add(g.submit(rows.get(futures.size()), null));
                }
                g.step();
                maxRunning = Math.max(maxRunning, g.running());
                iteration++;
            }
            assertThat(maxRunning).as("rows really shared decoding steps").isGreaterThanOrEqualTo(4);
            for (int i = 0; i < rows.size(); i++) {
                assertSame(futures.get(i).join(), alone.get(i), "request " + i);
            }
        }
        assertThat(leases.inUse).as("every row gave its adapter back").isZero();
        // the adapters really change the rows: otherwise agreeing with "alone" would prove little
        GenerationResult base = Generations.alone(model, settings, leases,
                new GenerationRequest(null, rows.get(0).promptTokens(), rows.get(0).sampling()));
        assertThat(base.logProbs()[0]).isNotCloseTo(alone.get(0).logProbs()[0], within(1e-4f));
    }

    @Test
    void aLongPromptIsPrefilledInChunksWhileRunningRowsKeepDecoding() {
        var settings = new ContinuousGenerator.Settings(8, 8, 64); // 8 prompt tokens per iteration
        try (ContinuousGenerator g = Generations.open(model, settings, leases)) {
            List<Integer> produced = new ArrayList<>();
            CompletableFuture<GenerationResult> running = g.submit(new GenerationRequest("a", prompt(3, 1),
                    GenerationParams.greedy(40)), (index, token, lp) -> produced.add(index));
            g.step(); // prefill of the running row
            g.step();
            int before = produced.size();
            CompletableFuture<GenerationResult> longPrompt = g.submit(new GenerationRequest("b", prompt(80, 2),
                    GenerationParams.greedy(3)), null);
            int iterations = 0;
            while (g.running() < 2 && !longPrompt.isDone()) {
                g.step();
                iterations++;
            }
            assertThat(iterations).as("80 prompt tokens at 8 per iteration").isGreaterThanOrEqualTo(10);
            assertThat(produced.size() - before).as("one token of the running row per iteration of the prefill")
                    .isEqualTo(iterations);
            while (g.pending() > 0) {
                g.step();
            }
            assertSame(running.join(), Generations.alone(model, settings, leases, new GenerationRequest("a",
                    prompt(3, 1), GenerationParams.greedy(40))), "running row");
            assertSame(longPrompt.join(), Generations.alone(model, settings, leases, new GenerationRequest("b",
                    prompt(80, 2), GenerationParams.greedy(3))), "long prompt");
        }
    }

    @Test
    void aShortRequestFinishesOnItsOwnScheduleBesideALongOne() {
        var settings = new ContinuousGenerator.Settings(8, 512, 64);
        try (ContinuousGenerator g = Generations.open(model, settings, leases)) {
            CompletableFuture<GenerationResult> longOne = g.submit(new GenerationRequest("a", prompt(4, 3),
                    GenerationParams.greedy(200)), null);
            CompletableFuture<GenerationResult> shortOne = g.submit(new GenerationRequest("c", prompt(4, 4),
                    GenerationParams.greedy(5)), null);
            int iterations = 0;
            while (!shortOne.isDone()) {
                g.step();
                iterations++;
            }
            // the iteration that prefills it also decodes it: five tokens in four iterations, whatever the long one does
            assertThat(iterations).isEqualTo(4);
            assertThat(longOne).isNotDone();
            assertThat(g.running()).isEqualTo(1);
            while (g.pending() > 0) {
                g.step();
            }
            assertThat(longOne.join().tokens()).hasSize(200);
        }
    }

    @Test
    void cachedDecodingEqualsAFullRecomputationAtEveryStep() {
        var c = model.config();
        List<GenerationRequest> rows = List.of(new GenerationRequest("a", new int[] {5, 6, 7, 8, 9},
                        GenerationParams.greedy(6)), new GenerationRequest(null, new int[] {40, 41},
                        GenerationParams.greedy(6)), new GenerationRequest("b", new int[] {100, 3, 77},
                        GenerationParams.greedy(6)));
        List<GenerationResult> out;
        try (ContinuousGenerator g = Generations.open(model, ContinuousGenerator.Settings.DEFAULT, leases)) {
            out = Generations.runAll(g, rows);
        }
        Map<String, LoraWeights> weights = Map.of("a", LoraWeights.random(c, EnumSet.allOf(Projection.class), 4, 8f,
                1, true), "b", LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.V), 2, 4f, 2, true));
        try (LoraBank bank = LoraBank.of(model.base().manager(), c, List.of(weights.get("a"), weights.get("b")))) {
            long[] slots = {1, 0, 2};
            for (int r = 0; r < rows.size(); r++) {
                int[] p = rows.get(r).promptTokens();
                GenerationResult res = out.get(r);
                int[] seq = java.util.Arrays.copyOf(p, p.length + res.tokens().length);
                System.arraycopy(res.tokens(), 0, seq, p.length, res.tokens().length);
                for (int i = 0; i < res.tokens().length; i++) {
                    float[] logits = lastLogits(java.util.Arrays.copyOf(seq, p.length + i), bank, slots[r]);
                    int argmax = 0;
                    for (int v = 1; v < logits.length; v++) {
                        argmax = logits[v] > logits[argmax] ? v : argmax;
                    }
                    assertThat(res.tokens()[i]).as("row %d step %d", r, i).isEqualTo(argmax);
                    assertThat(res.logProbs()[i]).isCloseTo(Sampler.logSoftmaxAt(logits, 0, logits.length, argmax),
                            within(1e-4f));
                }
            }
        }
    }

    /** One row, no padding, no cache: the logits of its last position. */
    private float[] lastLogits(int[] seq, LoraBank bank, long slot) {
        try (NDManager m = model.base().manager().newSubManager()) {
            long[] t = java.util.Arrays.stream(seq).asLongStream().toArray();
            long[] pos = new long[seq.length];
            for (int i = 0; i < pos.length; i++) {
                pos[i] = i;
            }
            NDArray logits = model.forward(m.create(t, new Shape(1, t.length)), m.create(pos, new Shape(1, t.length)),
                    null, bank.bind(m.create(new long[] {slot})), null);
            float[] all = logits.toFloatArray();
            int v = model.config().vocabSize();
            return java.util.Arrays.copyOfRange(all, all.length - v, all.length);
        }
    }

    @Test
    void sameSeedSameSampleAndAStopTokenEndsTheRow() {
        GenerationParams hot = new GenerationParams(12, 1.5, 0.9, 42, Set.of());
        var s = ContinuousGenerator.Settings.DEFAULT;
        int[] p = {1, 2, 3};
        GenerationResult first = Generations.alone(model, s, leases, new GenerationRequest(null, p, hot));
        GenerationResult again = Generations.alone(model, s, leases, new GenerationRequest(null, p, hot));
        assertThat(again.tokens()).containsExactly(first.tokens());
        int stopAt = first.tokens()[3];
        GenerationResult stopped = Generations.alone(model, s, leases, new GenerationRequest(null, p,
                new GenerationParams(12, 1.5, 0.9, 42, Set.of(stopAt))));
        assertThat(stopped.finishReason()).isEqualTo("stop");
        assertThat(stopped.tokens()[stopped.tokens().length - 1]).isEqualTo(stopAt);
        assertThat(stopped.tokens().length).isLessThanOrEqualTo(4);
    }

    @Test
    void rowsThatLeaveGiveTheirMemoryBack() {
        var settings = new ContinuousGenerator.Settings(3, 16, 64);
        try (ContinuousGenerator g = Generations.open(model, settings, leases)) {
            Generations.runAll(g, mixed()); // warm-up: what is created once per model exists
            int before = ResourceCounts.recursive(model.base().manager());
            for (int i = 0; i < 3; i++) {
                Generations.runAll(g, mixed());
                Generations.runAll(g, mixed().subList(0, 2));
            }
            assertThat(ResourceCounts.recursive(model.base().manager())).isEqualTo(before);
        }
    }

    @Test
    void aBadRequestFailsAloneAndAPromptBeyondThePositionTableIsAClearError(@TempDir Path small) {
        var c = ai.mint.engine.model.ModelConfig.fromJson(TestModels.microDense().toJson()
                .put("max_position_embeddings", 16));
        DecoderModel shortModel = TestModels.create(small, c, 3);
        try (ContinuousGenerator g = Generations.open(shortModel, ContinuousGenerator.Settings.DEFAULT,
                new Generations.FixedLeases(shortModel, Map.of()))) {
            int[] p = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            CompletableFuture<GenerationResult> fits = g.submit(new GenerationRequest(null, p,
                    new GenerationParams(6, 1.0, 1.0, 1, Set.of())), null);
            CompletableFuture<GenerationResult> tooLong = g.submit(new GenerationRequest(null, p,
                    new GenerationParams(7, 1.0, 1.0, 1, Set.of())), null);
            CompletableFuture<GenerationResult> unknownAdapter = g.submit(new GenerationRequest("nope", p,
                    GenerationParams.greedy(2)), null);
            while (g.pending() > 0) {
                g.step();
            }
            assertThat(fits.join().tokens()).hasSize(6);
            assertThatThrownBy(tooLong::join).hasMessageContaining("17 positions")
                    .hasMessageContaining("max_position_embeddings 16");
            assertThatThrownBy(unknownAdapter::join).hasMessageContaining("no adapter nope");
        } finally {
            shortModel.base().close();
        }
    }

    /**
     * With max_position_embeddings 16 each row fits alone (10 + 6 and 2 + 14 positions); together they must neither
     * overrun the position table (the long row leaves once done) nor change each other's tokens.
     */
    @Test
    void rowsThatEachFitAloneRunTogetherWhenTheBatchOutlastsTheLongPrompt(@TempDir Path small) {
        var c = ai.mint.engine.model.ModelConfig.fromJson(TestModels.microDense().toJson()
                .put("max_position_embeddings", 16));
        DecoderModel sixteen = TestModels.create(small, c, 3);
        try (Generations.FixedLeases none = new Generations.FixedLeases(sixteen, Map.of())) {
            var settings = new ContinuousGenerator.Settings(8, 512, 64);
            GenerationRequest longRow = new GenerationRequest(null, prompt(10, 1), GenerationParams.greedy(6));
            GenerationRequest shortRow = new GenerationRequest(null, prompt(2, 2), GenerationParams.greedy(14));
            List<GenerationResult> together;
            try (ContinuousGenerator g = Generations.open(sixteen, settings, none)) {
                together = Generations.runAll(g, List.of(longRow, shortRow));
            }
            assertThat(together.get(0).tokens()).hasSize(6)
                    .containsExactly(Generations.alone(sixteen, settings, none, longRow).tokens());
            assertThat(together.get(1).tokens()).hasSize(14)
                    .containsExactly(Generations.alone(sixteen, settings, none, shortRow).tokens());
        } finally {
            sixteen.base().close();
        }
    }
}
