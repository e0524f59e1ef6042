package ai.mint.engine.generate;

import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Prefill in groups of rows and chunks of columns against the whole batch prefilled in one forward: a mixed-adapter,
 * left-padded batch must get the same tokens, log-probs and finish reasons.
 */
class ChunkedPrefillTest {

    @TempDir
    static Path dir;
    static DecoderModel model;
    static Generations.FixedLeases leases;

    /** Seven rows: prompt lengths 1..6 (so most rows are padded), adapters 1/2/none interleaved. */
    static final List<int[]> PROMPTS = List.of(new int[] {5, 6, 7, 8, 9}, new int[] {40, 41}, new int[] {100, 3, 77},
            new int[] {12}, new int[] {200, 201, 202, 203, 204, 205}, new int[] {9, 9, 9}, new int[] {33, 34, 35, 36});
    static final String[] ADAPTERS = {"one", null, "two", "two", "one", null, "one"};

    @BeforeAll
    static void load() {
        model = TestModels.create(dir, TestModels.microMoe(), 23);
        var c = model.config();
        // B = 0 in a PEFT init would make every adapter the base; random B makes the rows' adapters differ
        leases = new Generations.FixedLeases(model, Map.of(
                "one", LoraWeights.random(c, EnumSet.allOf(Projection.class), 4, 8f, 1, true),
                "two", LoraWeights.random(c, EnumSet.of(Projection.Q, Projection.V, Projection.DOWN), 2, 4f, 2, true)));
    }

    @AfterAll
    static void close() {
        leases.close();
        model.base().close();
    }

    static List<GenerationRequest> rows() {
        List<GenerationRequest> rows = new ArrayList<>();
        for (int r = 0; r < PROMPTS.size(); r++) {
            // mixed lengths, greedy and hot rows; the seeds make the sampled rows repeatable
            GenerationParams p = r % 2 == 0 ? GenerationParams.greedy(4 + r)
                    : new GenerationParams(3 + r, 1.2, 0.9, 100 + r, Set.of());
            rows.add(new GenerationRequest(ADAPTERS[r], PROMPTS.get(r), p));
        }
        return rows;
    }

    private static List<GenerationResult> run(int prefillRows, int chunkTokens) {
        try (ContinuousGenerator g = Generations.open(model, new ContinuousGenerator.Settings(prefillRows,
                chunkTokens, 64), leases)) {
            return Generations.runAll(g, rows());
        }
    }

    @ParameterizedTest(name = "prefill rows {0}, chunk tokens {1}")
    @CsvSource({"1, 1", "3, 5", "10, 7", "2, 1000"})
    void chunkedPrefillGivesTheTokensAndLogProbsOfOneWholePrefill(int prefillRows, int chunkTokens) {
        List<GenerationResult> whole = run(1000, 1_000_000);
        List<GenerationResult> chunked = run(prefillRows, chunkTokens);
        for (int r = 0; r < PROMPTS.size(); r++) {
            assertThat(chunked.get(r).tokens()).as("row %d tokens", r).containsExactly(whole.get(r).tokens());
            assertThat(chunked.get(r).finishReason()).isEqualTo(whole.get(r).finishReason());
            float[] expected = whole.get(r).logProbs();
            for (int i = 0; i < expected.length; i++) {
                assertThat(chunked.get(r).logProbs()[i]).as("row %d token %d log-prob", r, i)
                        .isCloseTo(expected[i], within(1e-5f));
            }
        }
    }

    @Test
    void badPrefillSettingsAreClearErrors() {
        assertThatThrownBy(() -> new ContinuousGenerator.Settings(0, 8, 8)).isInstanceOf(EngineException.class)
                .hasMessageContaining("must be >= 1, got 0, 8, 8");
        assertThatThrownBy(() -> new ContinuousGenerator.Settings(1, 0, 8)).isInstanceOf(EngineException.class);
    }
}
