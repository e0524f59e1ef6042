package ai.mint.engine.lora;

import ai.djl.Device;
import ai.mint.engine.Forwards;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A checkpoint with W + scale*B*A merged on the device, written and reloaded gives the logits of base + adapter; an
 * adapter that changes nothing writes back the very checkpoint it was merged into.
 */
class MergedModelTest {

    @TempDir
    Path dir;

    @Test
    void aZeroAdapterMergedOnTheDeviceWritesBackTheOriginalTensorsExactly() {
        for (ModelConfig c : List.of(TestModels.microDense(), TestModels.microMoe())) {
            Map<String, HostTensor> original = BaseModelInitializer.tensors(c, 5);
            LoraWeights zeroB = LoraWeights.random(c, Projection.allOn(c), 2, 4f, 1, false);
            try (BaseModel base = BaseModel.fromHost(c, original, Device.cpu());
                 MergedWeights merged = LoraMerger.merge(base, zeroB)) {
                Map<String, HostTensor> back = merged.toHost();
                assertThat(back.keySet()).containsExactlyInAnyOrderElementsOf(original.keySet());
                original.forEach((name, t) -> {
                    assertThat(back.get(name).shape()).as(name).containsExactly(t.shape());
                    assertThat(back.get(name).floats()).as(name).containsExactly(t.floats());
                });
            }
        }
    }

    @Test
    void mergedCheckpointMatchesUnmergedAdapterForDenseAndMoe() {
        for (ModelConfig c : List.of(TestModels.microDense(), TestModels.microMoe())) {
            Path baseDir = dir.resolve(c.modelType() + "-base");
            LoraWeights w = LoraWeights.random(c, Projection.allOn(c), 4, 8f, 3, true);
            long[][] rows = Forwards.tokens(2, 6, 9);
            float[] unmerged;
            float[] base;
            DecoderModel model = TestModels.create(baseDir, c, 4);
            try (LoraBank bank = LoraBank.of(model.base().manager(), c, List.of(w))) {
                unmerged = Forwards.logits(model, rows, bank, new long[] {1, 1});
                base = Forwards.logits(model, rows, null, null);
            } finally {
                model.base().close();
            }
            Path mergedDir = dir.resolve(c.modelType() + "-merged");
            LoraMerger.mergeToDirectory(baseDir, c, w, mergedDir);
            DecoderModel merged = HfModelLoader.load(mergedDir, Device.cpu());
            try {
                float[] viaMerge = Forwards.logits(merged, rows, null, null);
                for (int i = 0; i < viaMerge.length; i++) {
                    assertThat(viaMerge[i]).isCloseTo(unmerged[i], within(1e-4f));
                }
                float diff = 0;
                for (int i = 0; i < base.length; i++) {
                    diff = Math.max(diff, Math.abs(base[i] - unmerged[i]));
                }
                assertThat(diff).as("the adapter changes the logits").isGreaterThan(1e-3f);
            } finally {
                merged.base().close();
            }
        }
    }
}
