package ai.mint.engine.pretrain;

import ai.djl.Device;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Full-parameter pretraining on the committed Brown sample with a very small decoder: the held-out loss falls at every
 * checkpoint, an interrupted run resumed from its checkpoint ends with the weights of an uninterrupted one, and the
 * result is a Hugging Face directory that the ordinary loader reads.
 */
class PretrainerTest {

    /** 2 layers, hidden 32, windows of 32 tokens, 48 steps with a checkpoint every 12. */
    static final PretrainSettings SETTINGS = new PretrainSettings("test", 300, 32, 64, 2, 4, 2, 32, 8, 48,
            8e-3, 4, 0.1, 0.0, 1.0, 12, 16, 3);

    @TempDir
    static Path dir;
    static Corpus corpus;
    static PretrainRun straight;

    @BeforeAll
    static void trainOnce() {
        corpus = BrownCorpus.fromDirectory(Path.of("src/test/resources/corpus/brown-sample"));
        straight = pretrainer(dir.resolve("straight")).run().orElseThrow();
    }

    static Pretrainer pretrainer(Path out) {
        return new Pretrainer(SETTINGS, corpus, out, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).dtype(DType.F32);
    }

    @Test
    void shouldLowerTheHeldOutLossAtEveryCheckpoint() {
        assertThat(straight.history()).extracting(PretrainRun.Point::step).containsExactly(12, 24, 36, 48);
        double previous = Double.POSITIVE_INFINITY;
        for (PretrainRun.Point p : straight.history()) {
            System.out.printf("step %d: train loss %.4f, held-out loss %.4f%n", p.step(), p.trainLoss(),
                    p.heldOutLoss());
            assertThat(p.heldOutLoss()).as("held-out loss at step %d", p.step()).isLessThan(previous);
            previous = p.heldOutLoss();
        }
        assertThat(straight.history().get(0).heldOutLoss() - previous).isGreaterThan(0.1);
        assertThat(straight.heldOutPerplexity()).isLessThan(straight.unigramPerplexity());
    }

    @Test
    void shouldResumeFromTheLastCheckpointAndEndWhereAnUninterruptedRunEnds() {
        Path out = dir.resolve("resumed");
        assertThat(pretrainer(out).stopAfter(30).run()).isEmpty();
        assertThat(out.resolve(PretrainCheckpoint.DIR).resolve("state.json")).exists();
        assertThat(out.resolve(PretrainRun.FILE)).doesNotExist();

        PretrainRun resumed = pretrainer(out).run().orElseThrow();
        assertThat(resumed.steps()).isEqualTo(48);
        assertThat(resumed.tokens()).isEqualTo(straight.tokens());
        assertThat(resumed.heldOutLoss()).isCloseTo(straight.heldOutLoss(), within(1e-5));
        Map<String, HostTensor> a = CheckpointFiles.readAll(dir.resolve("straight"));
        Map<String, HostTensor> b = CheckpointFiles.readAll(out);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((name, t) -> {
            float[] x = t.floats();
            float[] y = b.get(name).floats();
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).as("%s[%d]", name, i).isCloseTo(x[i], within(1e-5f));
            }
        });
        assertThat(out.resolve(PretrainCheckpoint.DIR)).doesNotExist(); // finished: the snapshot is gone
    }

    @Test
    void shouldWriteAHuggingFaceModelThatTheLoaderReadsAndNotTrainItTwice() throws Exception {
        Path out = dir.resolve("straight");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                PretrainRun.FILE}) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        DecoderModel model = HfModelLoader.load(out, Device.cpu());
        try {
            assertThat(model.config().vocabSize()).isEqualTo(straight.vocabSize());
            assertThat(model.maxPositions()).isEqualTo(SETTINGS.windowTokens());
            assertThat(model.base().parameterCount()).isEqualTo(straight.parameters());
        } finally {
            model.base().close();
        }
        long modified = Files.getLastModifiedTime(out.resolve("model.safetensors")).toMillis();
        PretrainRun again = pretrainer(out).run().orElseThrow();
        assertThat(again).isEqualTo(straight);
        assertThat(Files.getLastModifiedTime(out.resolve("model.safetensors")).toMillis()).isEqualTo(modified);
    }

    @Test
    void shouldRefuseToResumeAnotherPresetsCheckpoint() {
        Path out = dir.resolve("other");
        assertThat(pretrainer(out).stopAfter(12).run()).isEmpty();
        PretrainSettings other = new PretrainSettings("other", 300, 32, 64, 2, 4, 2, 32, 8, 48, 8e-3, 4, 0.1, 0.0,
                1.0, 12, 16, 3);
        assertThatThrownBy(() -> new Pretrainer(other, corpus, out, System.out).run())
                .hasMessageContaining("holds a checkpoint of preset 'test'");
    }
}
