package ai.mint.engine.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.engine.pretrain.BrownCorpus;
import ai.mint.engine.pretrain.Corpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A BPE vocabulary trained on the committed Brown sample, loaded by DJL's HuggingFaceTokenizer exactly as the engine
 * loads tokenizer.json: held-out text comes back byte for byte, and the merges need far fewer tokens than bytes.
 */
class BpeTrainerTest {

    static final Path SAMPLE = Path.of("src/test/resources/corpus/brown-sample");

    @TempDir
    static Path dir;
    static Corpus corpus;
    static BpeVocabulary vocab;

    @BeforeAll
    static void train() {
        corpus = BrownCorpus.fromDirectory(SAMPLE);
        vocab = BpeTrainer.train(corpus.train(), 700);
        vocab.write(dir);
    }

    static HuggingFaceTokenizer load(Path d) throws Exception {
        return HuggingFaceTokenizer.newInstance(d.resolve("tokenizer.json"), Map.of("addSpecialTokens", "false"));
    }

    @Test
    void shouldRoundTripHeldOutTextExactlyThroughDjl() throws Exception {
        List<String> texts = new ArrayList<>(corpus.heldOut());
        texts.add("Tabs\tand  double spaces,\nnew lines, naïve café, 1-1/2% and <|endoftext|> stay as they were.");
        try (HuggingFaceTokenizer tok = load(dir)) {
            for (String t : texts) {
                long[] ids = tok.encode(t, false, false).getIds();
                assertThat(tok.decode(ids, false)).isEqualTo(t);
                assertThat(java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < vocab.size())).isTrue();
            }
        }
    }

    @Test
    void shouldNeedFewerTokensPerWordThanPlainBytes() throws Exception {
        long words = Corpus.words(corpus.heldOut());
        long bytes = 0;
        long tokens = 0;
        try (HuggingFaceTokenizer tok = load(dir)) {
            for (String s : corpus.heldOut()) {
                bytes += s.getBytes(StandardCharsets.UTF_8).length;
                tokens += tok.encode(s, false, false).getIds().length;
            }
        }
        double ratio = (double) tokens / bytes;
        System.out.printf("held-out sample: %.2f tokens per word with %d merges, %.2f bytes per word: ratio %.2f%n",
                (double) tokens / words, vocab.merges().size(), (double) bytes / words, ratio);
        assertThat(vocab.size()).isEqualTo(700);
        assertThat(ratio).isLessThan(0.6);
    }

    @Test
    void shouldMergeTheMostFrequentPairFirstAndUpdateCountsAfterEachMerge() {
        // pre-tokens "ab" x1, " ab" x2, " cd" x1: (a,b) occurs 3 times, then (Ġ, ab) twice
        BpeVocabulary v = BpeTrainer.train(List.of("ab ab ab cd"), BpeVocabulary.FIRST_MERGED + 2);
        assertThat(v.merges()).containsExactly(new BpeVocabulary.Merge("a", "b"), new BpeVocabulary.Merge("\u0120", "ab"));
        assertThat(v.tokens().subList(BpeVocabulary.FIRST_MERGED, v.size())).containsExactly("ab", "\u0120ab");
        // pairs seen once are never merged, so the vocabulary stops short of the size asked for
        assertThat(BpeTrainer.train(List.of("ab ab ab cd"), 1000).size()).isEqualTo(BpeVocabulary.FIRST_MERGED + 2);
    }

    @Test
    void shouldTrainTheSameMergesFromTheSameTextAndReadBackWhatItWrote() {
        BpeVocabulary again = BpeTrainer.train(corpus.train(), 700);
        assertThat(again).isEqualTo(vocab);
        assertThat(BpeVocabulary.read(dir.resolve("tokenizer.json"))).isEqualTo(vocab);
    }

    @Test
    void shouldRefuseAVocabularySmallerThanTheBytes() {
        assertThatThrownBy(() -> BpeTrainer.train(List.of("x"), 100)).hasMessageContaining("below the 260");
    }
}
