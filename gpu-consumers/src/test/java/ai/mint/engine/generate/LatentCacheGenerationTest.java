package ai.mint.engine.generate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.model.ByteLevelTokenizerFile;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.reference.ReferenceCheckpoints;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * DeepSeek generation through the {@link ContinuousGenerator}: a right-aligned batch decoded from the latent cache
 * (latent + rotary key per token, the absorbed form attending in latent space, DSA's cached index keys) against a
 * full recomputation of each row alone, without a cache, at every step; and rows prefilled one at a time in chunks of
 * one column, joining the running latent cache between decoding steps.
 */
class LatentCacheGenerationTest {

    static final List<int[]> PROMPTS = List.of(new int[] {5, 6, 7, 8, 9}, new int[] {40, 41}, new int[] {100, 3, 77});
    static final int STEPS = 8;

    @TempDir
    Path dir;

    /** With DSA at index_topk 3, positions beyond the third are attended sparsely, from the cached index keys. */
    @ParameterizedTest(name = "sparse attention {0}")
    @ValueSource(booleans = {false, true})
    void latentCacheGenerationEqualsFullRecomputationAtEveryStep(boolean sparse) {
        ModelConfig c = ReferenceCheckpoints.deepseek(sparse, j -> j.putObject("rope_scaling").put("type", "yarn")
                .put("factor", 4.0).put("mscale", 1.0).put("mscale_all_dim", 1.0)
                .put("original_max_position_embeddings", 64));
        DecoderModel model = HfModelLoader.load(ReferenceCheckpoints.write(dir, c, 17), Device.cpu());
        try {
            List<GenerationParams> greedy = PROMPTS.stream().map(p -> GenerationParams.greedy(STEPS)).toList();
            var once = new ContinuousGenerator.Settings(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
            List<GenerationResult> out = BaseGeneration.generate(model, ByteLevelTokenizerFile.PAD, once, PROMPTS,
                    greedy);
            for (int r = 0; r < PROMPTS.size(); r++) {
                int[] prompt = PROMPTS.get(r);
                int[] seq = Arrays.copyOf(prompt, prompt.length + STEPS);
                System.arraycopy(out.get(r).tokens(), 0, seq, prompt.length, STEPS);
                for (int i = 0; i < STEPS; i++) {
                    float[] logits = lastLogits(model, Arrays.copyOf(seq, prompt.length + i));
                    int argmax = 0;
                    for (int v = 1; v < logits.length; v++) {
                        argmax = logits[v] > logits[argmax] ? v : argmax;
                    }
                    assertThat(out.get(r).tokens()[i]).as("row %d step %d", r, i).isEqualTo(argmax);
                    assertThat(out.get(r).logProbs()[i]).as("row %d step %d log-prob", r, i)
                            .isCloseTo(Sampler.logSoftmaxAt(logits, 0, logits.length, argmax), within(1e-4f));
                }
            }
            var chunks = new ContinuousGenerator.Settings(1, 1, Integer.MAX_VALUE);
            List<GenerationResult> chunked = BaseGeneration.generate(model, ByteLevelTokenizerFile.PAD, chunks,
                    PROMPTS, greedy);
            for (int r = 0; r < PROMPTS.size(); r++) {
                assertThat(chunked.get(r).tokens()).as("chunked row %d", r).containsExactly(out.get(r).tokens());
            }
        } finally {
            model.base().close();
        }
    }

    /** One row, no padding, no cache: the logits of its last position. */
    private static float[] lastLogits(DecoderModel model, int[] seq) {
        try (NDManager m = model.base().manager().newSubManager()) {
            long[] t = Arrays.stream(seq).asLongStream().toArray();
            long[] pos = new long[seq.length];
            for (int i = 0; i < pos.length; i++) {
                pos[i] = i;
            }
            NDArray logits = model.forward(m.create(t, new Shape(1, t.length)), m.create(pos, new Shape(1, t.length)),
                    null, null, null);
            float[] all = logits.toFloatArray();
            int v = model.config().vocabSize();
            return Arrays.copyOfRange(all, all.length - v, all.length);
        }
    }
}
