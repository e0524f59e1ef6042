package ai.mint.engine.model;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.engine.EngineException;
import ai.mint.engine.Forwards;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HalfFloats;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointLoadingTest {

    @TempDir
    Path dir;

    /** Weights rounded to BF16 precision, written once as BF16 and once as F32: the models must agree exactly. */
    @Test
    void bf16FileLoadsAndMatchesItsF32Twin() {
        ModelConfig c = TestModels.microMoe();
        Map<String, HostTensor> rounded = new LinkedHashMap<>();
        BaseModelInitializer.tensors(c, 5).forEach((name, t) -> {
            float[] f = t.floats().clone();
            for (int i = 0; i < f.length; i++) {
                f[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(f[i]));
            }
            rounded.put(name, HostTensor.ofFloats(name, t.shape(), f));
        });
        BaseModelInitializer.writeCheckpoint(dir.resolve("bf16"), c, rounded, DType.BF16);
        BaseModelInitializer.writeCheckpoint(dir.resolve("f32"), c, rounded, DType.F32);
        assertThat(dir.resolve("bf16/model.safetensors").toFile().length())
                .isLessThan(dir.resolve("f32/model.safetensors").toFile().length() * 6 / 10);
        long[][] rows = Forwards.tokens(2, 5, 1);
        DecoderModel bf16 = HfModelLoader.load(dir.resolve("bf16"), Device.cpu());
        DecoderModel f32 = HfModelLoader.load(dir.resolve("f32"), Device.cpu());
        try {
            assertThat(Forwards.logits(bf16, rows, null, null))
                    .containsExactly(Forwards.logits(f32, rows, null, null));
        } finally {
            bf16.base().close();
            f32.base().close();
        }
    }

    @Test
    void shardedCheckpointWithIndexLoadsLikeTheSingleFile() throws Exception {
        ModelConfig c = TestModels.microDense();
        Map<String, HostTensor> t = BaseModelInitializer.tensors(c, 2);
        BaseModelInitializer.writeCheckpoint(dir.resolve("single"), c, t, DType.F32);
        Path sharded = dir.resolve("sharded");
        Files.createDirectories(sharded);
        c.write(sharded.resolve("config.json"));
        SafetensorsWriter one = new SafetensorsWriter();
        SafetensorsWriter two = new SafetensorsWriter();
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        int i = 0;
        for (HostTensor x : t.values()) {
            boolean first = i++ % 2 == 0;
            (first ? one : two).add(x.name(), x.shape(), x.floats());
            map.put(x.name(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        one.write(sharded.resolve("model-00001-of-00002.safetensors"));
        two.write(sharded.resolve("model-00002-of-00002.safetensors"));
        json.writeValue(sharded.resolve(CheckpointFiles.INDEX).toFile(), index);
        long[][] rows = Forwards.tokens(1, 4, 2);
        DecoderModel a = HfModelLoader.load(dir.resolve("single"), Device.cpu());
        DecoderModel b = HfModelLoader.load(sharded, Device.cpu());
        try {
            assertThat(Forwards.logits(b, rows, null, null))
                    .containsExactly(Forwards.logits(a, rows, null, null));
        } finally {
            a.base().close();
            b.base().close();
        }
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        ModelConfig c = TestModels.microDense();
        Map<String, HostTensor> t = new LinkedHashMap<>(BaseModelInitializer.tensors(c, 2));
        t.remove("model.layers.1.mlp.up_proj.weight");
        BaseModelInitializer.writeCheckpoint(dir, c, t, DType.F32);
        assertThatThrownBy(() -> HfModelLoader.load(dir, Device.cpu())).isInstanceOf(EngineException.class)
                .hasMessageContaining("model.layers.1.mlp.up_proj.weight");
    }

    @Test
    void byteLevelTokenizerRoundTripsAnyTextThroughDjl() throws Exception {
        ByteLevelTokenizerFile.write(dir);
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "false"))) {
            String text = "Hello, wörld! 你好 <|endoftext|>";
            long[] ids = tok.encode(text, false, false).getIds();
            assertThat(ids[0]).isEqualTo('H');
            assertThat(ids).contains((long) ByteLevelTokenizerFile.END_OF_TEXT);
            assertThat(java.util.Arrays.stream(ids).max().getAsLong()).isLessThan(ByteLevelTokenizerFile.VOCAB_SIZE);
            assertThat(tok.decode(ids, false)).isEqualTo(text);
        }
    }
}
