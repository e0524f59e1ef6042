package ai.mint.engine.pretrain;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.tokenizer.BpeVocabulary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The English base the repository carries ({@code models/brown-small}): its tokenizer round-trips held-out Brown text
 * exactly through DJL with far fewer tokens than bytes, and the model predicts held-out sentences (documents it never
 * trained on) far better than the unigram baseline its run reported.
 */
class BrownSmallBaseTest {

    static final Path BASE = Path.of("..").resolve(PretrainPreset.BUNDLED_SMALL);

    static Corpus sample;
    static DecoderModel model;

    @BeforeAll
    static void load() {
        sample = BrownCorpus.fromDirectory(Path.of("src/test/resources/corpus/brown-sample"));
        model = HfModelLoader.load(BASE, Device.cpu());
    }

    @AfterAll
    static void close() {
        model.base().close();
    }

    @Test
    void tokenizerShouldRoundTripHeldOutTextWithFewerTokensPerWordThanBytes() throws Exception {
        long bytes = 0;
        long tokens = 0;
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(BASE.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "false"))) {
            for (String s : sample.heldOut()) {
                long[] ids = tok.encode(s, false, false).getIds();
                assertThat(tok.decode(ids, false)).isEqualTo(s);
                bytes += s.getBytes(StandardCharsets.UTF_8).length;
                tokens += ids.length;
            }
        }
        long words = Corpus.words(sample.heldOut());
        System.out.printf("brown-small tokenizer on held-out text: %.2f tokens per word, %.2f bytes per word "
                + "(ratio %.2f)%n", (double) tokens / words, (double) bytes / words, (double) tokens / bytes);
        assertThat(BpeVocabulary.read(BASE.resolve("tokenizer.json")).size()).isEqualTo(model.config().vocabSize());
        assertThat((double) tokens / bytes).isLessThan(0.45);
    }

    @Test
    void shouldPredictHeldOutSentencesFarBetterThanTheUnigramBaseline() {
        PretrainRun run = PretrainRun.read(BASE);
        TokenStreams held = TokenStreams.encode(sample, BASE.resolve("tokenizer.json"));
        int width = model.maxPositions();
        HeldOutScore score = HeldOutScore.ofModel(model, held, width, held.heldOutWindows(width, Integer.MAX_VALUE));
        System.out.printf("brown-small on %d held-out sample tokens: perplexity %.1f; its run reported %.1f on all "
                        + "held-out text, unigram baseline %.1f%n", score.tokens(), score.perplexity(),
                run.heldOutPerplexity(), run.unigramPerplexity());
        assertThat(score.tokens()).isGreaterThan(1000);
        assertThat(score.perplexity()).isLessThan(run.unigramPerplexity() / 3);
        assertThat(run.heldOutPerplexity()).isLessThan(run.unigramPerplexity() / 3);
    }
}
