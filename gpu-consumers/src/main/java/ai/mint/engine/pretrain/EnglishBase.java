package ai.mint.engine.pretrain;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The face of pretraining for code outside the engine (the quickstart): makes the English base of a preset in a
 * directory from the Brown corpus, cached under {@code .mint/corpus/brown} of {@code home}. Nothing here exposes the
 * model's tensors.
 */
public final class EnglishBase {

    private EnglishBase() {
    }

    /**
     * Pretrains {@code preset} into {@code dir} (resuming a checkpoint there; a finished directory is left as it is).
     *
     * @param log      one-line messages (corpus fetch, cache)
     * @param progress where the progress bar goes
     * @param inPlace  whether the bar redraws one line (a terminal) or prints a line per update
     */
    public static void make(PretrainPreset preset, Path dir, Path home, Consumer<String> log, PrintStream progress,
                            boolean inPlace) {
        Corpus corpus = BrownCorpus.load(home.resolve(".mint/corpus/brown"), log);
        new Pretrainer(preset.settings(), corpus, dir, progress).inPlaceProgress(inPlace)
                .command("mint base pretrain --corpus brown --preset " + preset.settings().name() + " --out " + dir)
                .run();
    }
}
