package ai.mint.engine.cli;

import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.safetensors.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mint base init DIR}: writes a seeded random base model in Hugging Face layout, with a tokenizer. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Make a base model (config.json, model.safetensors, tokenizer.json) with a fixed seed.")
public final class BaseInitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to write the model into.")
    Path dir;

    @Option(names = "--preset", defaultValue = "tiny",
            description = "tiny (about 1M parameters, tests) or small (50-100M, benchmarks). Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--moe", description = "Mixture-of-experts layout (Qwen2-MoE) instead of dense (Qwen2).")
    boolean moe;

    @Option(names = "--seed", defaultValue = "0", description = "Weight seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dtype", defaultValue = "F32", description = "F32, F16 or BF16. Default: ${DEFAULT-VALUE}.")
    DType dtype;

    @Override
    public Integer call() {
        ModelPreset p;
        try {
            p = ModelPreset.valueOf(preset.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("unknown preset '" + preset + "' (tiny or small)");
            return 2;
        }
        ModelConfig config = p.config(moe);
        BaseModelInitializer.write(dir, config, seed, dtype);
        long params = BaseModelInitializer.tensors(config, seed).values().stream()
                .mapToLong(t -> t.elementCount()).sum();
        System.out.printf("wrote %s base (%s, %,d parameters, %s) to %s%n", p.name().toLowerCase(),
                config.modelType(), params, dtype, dir);
        return 0;
    }
}
