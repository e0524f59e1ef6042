package ai.mint.engine.lora;

import ai.mint.engine.Forwards;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.MoeCompute;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The batched heterogeneous forward against independent computations of the same thing. */
class BatchedLoraForwardTest {

    /** Mixed batches reorder float sums (batched matmul vs one row); 1e-5 absolute on logits of order 1. */
    static final float TOLERANCE = 1e-5f;

    @TempDir
    static Path dir;
    static DecoderModel dense;
    static DecoderModel moe;
    static DecoderModel deepseek;

    @BeforeAll
    static void load() {
        dense = TestModels.create(dir.resolve("dense"), TestModels.microDense(), 7);
        moe = TestModels.create(dir.resolve("moe"), TestModels.microMoe(), 8);
        deepseek = TestModels.create(dir.resolve("deepseek"), TestModels.microDeepseek(), 9);
    }

    /** Every model, DeepSeek-V3 with its experts both dense-masked (its AUTO) and sparse. */
    static List<DecoderModel> models() {
        return List.of(dense, moe, deepseek, new DecoderModel(deepseek.base(), MoeCompute.SPARSE));
    }

    @AfterAll
    static void close() {
        dense.base().close();
        moe.base().close();
        deepseek.base().close();
    }

    @Test
    void zeroBAdapterGivesExactlyTheBaseLogits() {
        for (DecoderModel model : models()) {
            ModelConfig c = model.config();
            LoraWeights zeroB = LoraWeights.random(c, Projection.allOn(c), 8, 16f, 1, false);
            long[][] rows = Forwards.tokens(3, 6, 2);
            try (LoraBank bank = LoraBank.of(model.base().manager(), c, List.of(zeroB))) {
                float[] base = Forwards.logits(model, rows, null, null);
                float[] adapted = Forwards.logits(model, rows, bank, new long[] {1, 1, 1});
                assertThat(adapted).containsExactly(base);
            }
        }
    }

    @Test
    void mixedBatchMatchesEachRowAloneWithItsAdapter() {
        for (DecoderModel model : models()) {
            ModelConfig c = model.config();
            List<LoraWeights> adapters = new ArrayList<>();
            int[] ranks = {1, 4, 8, 16};
            for (int i = 0; i < ranks.length; i++) {
                adapters.add(LoraWeights.random(c, Projection.allOn(c), ranks[i], 2f * ranks[i], 10 + i,
                        true));
            }
            long[][] rows = Forwards.tokens(5, 7, 3);
            long[] slots = {1, 2, 0, 3, 4}; // row 2 has no adapter
            try (LoraBank mixed = LoraBank.of(model.base().manager(), c, adapters)) {
                float[] batched = Forwards.logits(model, rows, mixed, slots);
                int per = 7 * c.vocabSize();
                for (int r = 0; r < rows.length; r++) {
                    List<LoraWeights> own = new ArrayList<>();
                    if (slots[r] > 0) {
                        own.add(adapters.get((int) slots[r] - 1));
                    }
                    float[] alone;
                    try (LoraBank single = LoraBank.of(model.base().manager(), c, own)) {
                        alone = Forwards.logits(model, new long[][] {rows[r]}, own.isEmpty() ? null : single,
                                new long[] {own.isEmpty() ? 0 : 1});
                    }
                    for (int i = 0; i < per; i++) {
                        assertThat(batched[r * per + i]).as("row %d logit %d", r, i).isCloseTo(alone[i],
                                within(TOLERANCE));
                    }
                }
                // and the adapters really change the output
                float[] base = Forwards.logits(model, rows, null, null);
                assertThat(Math.abs(batched[0] - base[0]) + Math.abs(batched[1] - base[1])).isGreaterThan(1e-4f);
            }
        }
    }
}
