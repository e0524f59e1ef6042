package ai.mint.engine.pretrain;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Tagged Brown lines become the sentences a reader would see; the held-out split is by whole document. */
class BrownTextTest {

    @Test
    void shouldDropTagsAndAttachPunctuationAndQuotes() {
        assertThat(BrownText.plain("\tThe/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr"
                + " an/at investigation/nn of/in Atlanta's/np$ recent/jj primary/nn election/nn produced/vbd"
                + " ``/`` no/at evidence/nn ''/'' that/cs any/dti irregularities/nns took/vbd place/nn ./."))
                .isEqualTo("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary"
                        + " election produced \"no evidence\" that any irregularities took place.");
        assertThat(BrownText.plain("He/pps paid/vbd $/$ 4-1/2/cd (/( net/jj )/) ,/, didn't/dod* he/pps ?/."))
                .isEqualTo("He paid $4-1/2 (net), didn't he?");
        assertThat(BrownText.plain("Wait/vb --/-- she/pps said/vbd ;/. ;/."))
                .isEqualTo("Wait -- she said;;");
        assertThat(BrownText.plain("   ")).isEmpty();
    }

    @Test
    void shouldHoldOutTheDocumentsWhoseNumberEndsInZero() {
        Corpus c = BrownCorpus.fromDirectory(Path.of("src/test/resources/corpus/brown-sample"));
        // ca01, cg01, ck01 train; ca10, cn10 held out; 30 sentences each
        assertThat(c.train()).hasSize(90);
        assertThat(c.heldOut()).hasSize(60);
        assertThat(c.train().get(0)).startsWith("The Fulton County Grand Jury said Friday");
        assertThat(BrownCorpus.isHeldOut("cj40")).isTrue();
        assertThat(BrownCorpus.isHeldOut("cj41")).isFalse();
        assertThat(String.join(" ", c.train())).doesNotContain("/nn").doesNotContain("``");
    }
}
