package ai.mint.engine;

import ai.djl.ndarray.NDManager;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.MergedWeights;
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
import static org.assertj.core.api.Assertions.within;

/**
 * The merged-checkpoint handoff inside the engine: merge on the device of the resident base, write, and swap the
 * checkpoint into an engine that stays open. Compared with engines opened fresh on the same files, and with the
 * unmerged adapter.
 */
class BaseSwapTest {

    @TempDir
    Path dir;

    private static List<GenerationRequest> rows(String adapter) {
        List<GenerationRequest> rows = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            rows.add(new GenerationRequest(adapter, new int[] {5 + r, 40 + 3 * r, 77, 9 + r}, GenerationParams.greedy(5)));
        }
        return rows;
    }

    @Test
    void aWarmEngineSwappedToAMergedCheckpointAnswersLikeAFreshEngineOnIt() {
        for (ModelConfig c : List.of(TestModels.microDense(), TestModels.microMoe())) {
            Path base = dir.resolve(c.modelType() + "-base");
            Path merged = dir.resolve(c.modelType() + "-merged");
            Path adapter = dir.resolve(c.modelType() + "-adapter");
            BaseModelInitializer.write(base, c, 7, DType.F32);
            LoraWeights revision = LoraWeights.random(c, Projection.allOn(c), 4, 8f, 11, true);
            PeftAdapterIo.write(adapter, revision, c);
            try (LoraEngine warm = LoraEngine.open(EngineConfig.of(base))) {
                warm.registerAdapter("other", adapter);
                List<GenerationResult> unmerged = warm.generate(rows("other"));
                List<GenerationResult> baseAlone = warm.generate(rows(null));
                NDManager root = warm.model().base().manager();
                int arraysBefore = root.getManagedArrays().size();
                try (MergedWeights m = warm.mergeAdapter(revision)) {
                    m.write(merged);
                }
                assertThat(root.getManagedArrays().size()).as("merge frees what it made").isEqualTo(arraysBefore);
                assertThat(warm.generate(rows(null))).as("merging leaves the resident base as it was")
                        .usingRecursiveFieldByFieldElementComparator().isEqualTo(baseAlone);

                warm.replaceBase(merged);

                List<GenerationResult> swappedBase = warm.generate(rows(null));
                List<GenerationResult> swappedWithAdapter = warm.generate(rows("other"));
                try (LoraEngine fresh = LoraEngine.open(EngineConfig.of(merged))) {
                    fresh.registerAdapter("other", adapter);
                    assertSame(swappedBase, fresh.generate(rows(null)), 0f);
                    // the adapter stayed resident through the swap and now applies on top of the merged base
                    assertSame(swappedWithAdapter, fresh.generate(rows("other")), 0f);
                }
                // an independent computation: base + adapter, unmerged, as the batched LoRA path computes it
                assertSame(swappedBase, unmerged, 1e-4f);
                assertThat(swappedBase.get(0).logProbs()[0]).isNotEqualTo(baseAlone.get(0).logProbs()[0]);
            }
        }
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsRefusedAndTheOldWeightsKeepServing() {
        Path dense = dir.resolve("dense");
        Path moe = dir.resolve("moe");
        BaseModelInitializer.write(dense, TestModels.microDense(), 1, DType.F32);
        BaseModelInitializer.write(moe, TestModels.microMoe(), 1, DType.F32);
        try (LoraEngine e = LoraEngine.open(EngineConfig.of(dense))) {
            List<GenerationResult> before = e.generate(rows(null));
            assertThatThrownBy(() -> e.replaceBase(moe)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("another architecture").hasMessageContaining("modelType: qwen2 vs qwen2_moe");
            assertSame(e.generate(rows(null)), before, 0f);
        }
    }

    private static void assertSame(List<GenerationResult> actual, List<GenerationResult> expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).tokens()).as("row %d tokens", i).containsExactly(expected.get(i).tokens());
            float[] a = actual.get(i).logProbs();
            float[] b = expected.get(i).logProbs();
            for (int t = 0; t < a.length; t++) {
                assertThat(a[t]).as("row %d log-prob %d", i, t).isCloseTo(b[t], within(tolerance));
            }
        }
    }
}
