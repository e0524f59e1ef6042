package ai.mint.engine.generate;

import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.ResourceCounts;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Prefill in row chunks against the whole batch prefilled in one forward: a mixed-adapter, left-padded batch must get
 * the same tokens, log-probs and finish reasons, and repeated generations must leave no native resource behind.
 */
class ChunkedPrefillTest {

    @TempDir
    static Path dir;
    static DecoderModel model;
    static LoraBank bank;

    /** Seven rows: prompt lengths 1..6 (so most rows are padded), slots 0/1/2 interleaved, greedy and sampled. */
    static final List<int[]> PROMPTS = List.of(new int[] {5, 6, 7, 8, 9}, new int[] {40, 41}, new int[] {100, 3, 77},
            new int[] {12}, new int[] {200, 201, 202, 203, 204, 205}, new int[] {9, 9, 9}, new int[] {33, 34, 35, 36});
    static final long[] SLOTS = {1, 0, 2, 2, 1, 0, 1};

    @BeforeAll
    static void load() {
        model = TestModels.create(dir, TestModels.microMoe(), 23);
        var c = model.config();
        // B = 0 in a PEFT init would make every adapter the base; random B makes the rows' adapters differ
        bank = LoraBank.of(model.base().manager(), c, List.of(
                LoraWeights.random(c, Projection.allOn(c), 4, 8f, 1, true),
                LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.V, Projection.DOWN), 2, 4f, 2, true)));
    }

    @AfterAll
    static void close() {
        bank.close();
        model.base().close();
    }

    static List<GenerationParams> params() {
        List<GenerationParams> p = new ArrayList<>();
        for (int r = 0; r < PROMPTS.size(); r++) {
            // mixed lengths, greedy and hot rows; the seeds make the sampled rows repeatable
            p.add(r % 2 == 0 ? GenerationParams.greedy(4 + r) : new GenerationParams(3 + r, 1.2, 0.9, 100 + r, Set.of()));
        }
        return p;
    }

    @ParameterizedTest(name = "prefill rows {0}")
    @ValueSource(ints = {1, 3, 10})
    void chunkedPrefillGivesTheTokensAndLogProbsOfOneWholePrefill(int chunkRows) {
        List<GenerationResult> whole = new Generator(model, ByteLevelTokenizerFile.PAD, Integer.MAX_VALUE)
                .generate(PROMPTS, params(), bank, SLOTS);
        List<GenerationResult> chunked = new Generator(model, ByteLevelTokenizerFile.PAD, chunkRows)
                .generate(PROMPTS, params(), bank, SLOTS);
        for (int r = 0; r < PROMPTS.size(); r++) {
            assertThat(chunked.get(r).tokens()).as("row %d tokens", r).containsExactly(whole.get(r).tokens());
            assertThat(chunked.get(r).finishReason()).isEqualTo(whole.get(r).finishReason());
            float[] expected = whole.get(r).logProbs();
            for (int i = 0; i < expected.length; i++) {
                assertThat(chunked.get(r).logProbs()[i]).as("row %d token %d log-prob", r, i)
                        .isCloseTo(expected[i], within(1e-5f));
            }
        }
        // the adapters really differ per row: otherwise rows 1 and 5 (no adapter) vs the rest would prove little
        GenerationResult baseOnly = new Generator(model, ByteLevelTokenizerFile.PAD, chunkRows)
                .generate(List.of(PROMPTS.get(0)), List.of(params().get(0)), null, new long[] {0}).get(0);
        assertThat(baseOnly.logProbs()[0]).isNotCloseTo(whole.get(0).logProbs()[0], within(1e-4f));
    }

    @Test
    void repeatedChunkedGenerationsLeaveNoNativeResourceBehind() {
        Generator g = new Generator(model, ByteLevelTokenizerFile.PAD, 3);
        g.generate(PROMPTS, params(), bank, SLOTS); // warm-up: anything created once per model (e.g. caches) exists
        int before = ResourceCounts.recursive(model.base().manager());
        for (int i = 0; i < 3; i++) {
            g.generate(PROMPTS, params(), bank, SLOTS);
            g.generate(PROMPTS.subList(0, 2), params().subList(0, 2), null, new long[] {0, 0});
        }
        assertThat(ResourceCounts.recursive(model.base().manager())).isEqualTo(before);
    }

    @Test
    void badChunkSizeAndMismatchedListsAreClearErrors() {
        assertThatThrownBy(() -> new Generator(model, ByteLevelTokenizerFile.PAD, 0))
                .isInstanceOf(EngineException.class).hasMessageContaining("prefill rows per chunk must be >= 1, got 0");
        Generator g = new Generator(model, ByteLevelTokenizerFile.PAD);
        assertThat(g.prefillRows()).isEqualTo(Generator.DEFAULT_PREFILL_ROWS);
        assertThatThrownBy(() -> g.generate(PROMPTS, params(), bank, new long[] {1, 0}))
                .isInstanceOf(EngineException.class).hasMessageContaining("7 prompts, 7 params, 2 slots");
    }
}
