package ai.mint.engine.lora;

import ai.djl.ndarray.NDManager;
import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The direct file-to-device read against the Java tier's read followed by an upload: the same factors, bit for bit, in
 * both expert layouts (rotary rows of DeepSeek's B factors included), and the same refusals.
 */
class PeftDeviceReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsTheSameFactorsAsTheJavaTierInBothLayouts() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (ModelConfig c : new ModelConfig[] {TestModels.microDense(), TestModels.microMoe(),
                    TestModels.microDeepseek()}) {
                LoraWeights w = LoraWeights.random(c, Projection.allOn(c), 3, 6f, 5, true);
                for (boolean packed : new boolean[] {false, true}) {
                    Path out = dir.resolve(c.modelType() + packed);
                    PeftAdapterIo.write(out, w, c, packed);
                    try (DeviceAdapter viaHost = DeviceAdapter.upload("h", PeftAdapterIo.read(out, c), c, m);
                         DeviceAdapter direct = PeftDeviceReader.read("d", out, c, m)) {
                        assertThat(direct.a().keySet()).containsExactlyElementsOf(viaHost.a().keySet());
                        assertThat(direct.byteSize()).isEqualTo(viaHost.byteSize()).isEqualTo(w.byteSize());
                        assertThat(direct.scale()).isEqualTo(viaHost.scale());
                        for (LoraKey key : w.a().keySet()) {
                            assertThat(direct.a().get(key).getShape()).isEqualTo(viaHost.a().get(key).getShape());
                            assertThat(direct.a().get(key).toFloatArray()).as("A %s %s", key, packed)
                                    .containsExactly(w.a().get(key));
                            assertThat(direct.b().get(key).toFloatArray()).as("B %s %s", key, packed)
                                    .containsExactly(w.b().get(key));
                        }
                    }
                }
            }
        }
    }

    @Test
    void refusesWhatTheJavaTierRefuses() throws Exception {
        ModelConfig c = TestModels.microMoe();
        LoraWeights w = LoraWeights.random(c, EnumSet.of(Projection.UP), 2, 4f, 1, true);
        Path ok = dir.resolve("ok");
        PeftAdapterIo.write(ok, w, c, true);
        try (NDManager m = NDManager.newBaseManager()) {
            // a packed tensor of the wrong shape is named with the shape the base implies
            Path bad = dir.resolve("bad-shape");
            Files.createDirectories(bad);
            Files.copy(ok.resolve(PeftAdapterIo.CONFIG), bad.resolve(PeftAdapterIo.CONFIG));
            LoraKey expert = LoraKey.keys(c, 0, Projection.UP).stream().filter(LoraKey::expert).findFirst()
                    .orElseThrow();
            String name = PeftAdapterIo.packedName(c, expert);
            SafetensorsWriter writer = new SafetensorsWriter().metadata(PeftAdapterIo.LAYOUT_KEY, "packed");
            writer.add(name + ".lora_A.packed", new long[] {c.numExperts(), 2, 3}, new float[c.numExperts() * 6]);
            writer.write(bad.resolve(PeftAdapterIo.WEIGHTS));
            assertThatThrownBy(() -> PeftDeviceReader.read("x", bad, c, m)).isInstanceOf(EngineException.class)
                    .hasMessageContaining(name + ".lora_A.packed").hasMessageContaining("imply");

            // a NaN in a float32 tensor is refused before it reaches the device
            w.a().get(expert)[5] = Float.NaN;
            Path nan = dir.resolve("nan");
            PeftAdapterIo.write(nan, w, c, true);
            assertThatThrownBy(() -> PeftDeviceReader.read("x", nan, c, m))
                    .isInstanceOf(EngineException.class).hasMessageContaining("non-finite")
                    .hasMessageContaining("factor A of " + expert);
            assertThat(m.getManagedArrays()).as("a refused read leaves nothing on the device").isEmpty();
        }
    }
}
