package ai.mint.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ByteLevelTokenizerFile;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Cached, batched, left-padded generation against a full recomputation of each row alone at every step. */
class GeneratorTest {

    @TempDir
    static Path dir;
    static DecoderModel model;

    @BeforeAll
    static void load() {
        model = TestModels.create(dir, TestModels.microMoe(), 21);
    }

    @AfterAll
    static void close() {
        model.base().close();
    }

    @Test
    void kvCacheGenerationEqualsFullRecomputationAtEveryStep() {
        var c = model.config();
        List<LoraWeights> adapters = List.of(
                LoraWeights.random(c, Projection.allOn(c), 4, 8f, 1, true),
                LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.V), 2, 4f, 2, true));
        List<int[]> prompts = List.of(new int[] {5, 6, 7, 8, 9}, new int[] {40, 41}, new int[] {100, 3, 77});
        long[] slots = {1, 0, 2};
        int steps = 6;
        List<GenerationParams> greedy = List.of(GenerationParams.greedy(steps), GenerationParams.greedy(steps),
                GenerationParams.greedy(steps));
        try (LoraBank bank = LoraBank.of(model.base().manager(), c, adapters)) {
            List<GenerationResult> out = new Generator(model, ByteLevelTokenizerFile.PAD)
                    .generate(prompts, greedy, bank, slots);
            for (int r = 0; r < prompts.size(); r++) {
                GenerationResult res = out.get(r);
                assertThat(res.tokens()).hasSize(steps);
                int[] seq = java.util.Arrays.copyOf(prompts.get(r), prompts.get(r).length + steps);
                System.arraycopy(res.tokens(), 0, seq, prompts.get(r).length, steps);
                for (int i = 0; i < steps; i++) {
                    int prefix = prompts.get(r).length + i;
                    float[] logits = lastLogits(java.util.Arrays.copyOf(seq, prefix), bank, slots[r]);
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

    @Test
    void sameSeedSameSampleAndStopTokenEndsTheRow() {
        GenerationParams hot = new GenerationParams(12, 1.5, 0.9, 42, Set.of());
        Generator g = new Generator(model, ByteLevelTokenizerFile.PAD);
        int[] prompt = {1, 2, 3};
        GenerationResult first = g.generate(List.of(prompt), List.of(hot), null, new long[] {0}).get(0);
        GenerationResult again = g.generate(List.of(prompt), List.of(hot), null, new long[] {0}).get(0);
        assertThat(again.tokens()).containsExactly(first.tokens());
        int stopAt = first.tokens()[3];
        GenerationParams stopping = new GenerationParams(12, 1.5, 0.9, 42, Set.of(stopAt));
        GenerationResult stopped = g.generate(List.of(prompt), List.of(stopping), null, new long[] {0}).get(0);
        assertThat(stopped.finishReason()).isEqualTo("stop");
        assertThat(stopped.tokens()[stopped.tokens().length - 1]).isEqualTo(stopAt);
        assertThat(stopped.tokens().length).isLessThanOrEqualTo(4);
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

    /** With max_position_embeddings 16 the rotary table has rows 0..15: 10 + 6 fits, 10 + 7 must be refused. */
    @Test
    void promptPlusMaxTokensBeyondThePositionTableIsAClearError(@TempDir Path small) {
        DecoderModel shortModel = sixteenPositions(small);
        try {
            Generator g = new Generator(shortModel, ByteLevelTokenizerFile.PAD);
            int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            assertThat(g.generate(List.of(prompt), List.of(new GenerationParams(6, 1.0, 1.0, 1, Set.of())), null,
                    new long[] {0}).get(0).tokens()).hasSize(6);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.generate(List.of(prompt),
                            List.of(new GenerationParams(7, 1.0, 1.0, 1, Set.of())), null, new long[] {0}))
                    .isInstanceOf(ai.mint.engine.EngineException.class)
                    .hasMessageContaining("17 positions").hasMessageContaining("max_position_embeddings 16");
        } finally {
            shortModel.base().close();
        }
    }

    /** Each row fits alone (10 + 6 and 2 + 14 of 16 positions); together they must not overrun the table. */
    @Test
    void rowsThatEachFitGenerateTogetherEvenWhenTheBatchRunsLongerThanTheLongPrompt(@TempDir Path small) {
        DecoderModel shortModel = sixteenPositions(small);
        try {
            Generator g = new Generator(shortModel, ByteLevelTokenizerFile.PAD);
            int[] longPrompt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            int[] shortPrompt = {1, 2};
            List<GenerationResult> out = g.generate(List.of(longPrompt, shortPrompt),
                    List.of(GenerationParams.greedy(6), GenerationParams.greedy(14)), null, new long[] {0, 0});
            assertThat(out.get(0).tokens()).hasSize(6);
            assertThat(out.get(1).tokens()).hasSize(14);
            // the long row's tokens are those it generates alone
            assertThat(out.get(0).tokens()).containsExactly(g.generate(List.of(longPrompt),
                    List.of(GenerationParams.greedy(6)), null, new long[] {0}).get(0).tokens());
        } finally {
            shortModel.base().close();
        }
    }

    /** The micro dense base with max_position_embeddings 16. */
    private static DecoderModel sixteenPositions(Path dir) {
        var c = ai.mint.engine.model.ModelConfig.fromJson(TestModels.microDense().toJson()
                .put("max_position_embeddings", 16));
        return TestModels.create(dir, c, 3);
    }
}
