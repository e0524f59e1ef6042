package ai.mint.engine.cli;

import ai.mint.engine.model.Architecture;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.safetensors.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code mint base init DIR}: writes a seeded random base model in Hugging Face layout, with a tokenizer, of any
 * {@link Architecture}; for DeepSeek it also prints the KV cache's bytes per token beside an equivalent MHA.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Make a base model (config.json, model.safetensors, tokenizer.json) with a fixed seed.")
public final class BaseInitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to write the model into.")
    Path dir;

    @Option(names = "--preset", defaultValue = "tiny", converter = PresetConverter.class,
            description = "tiny (about 1M parameters, tests) or small (50-100M, benchmarks); any case."
                    + " Default: ${DEFAULT-VALUE}.")
    ModelPreset preset;

    @Option(names = "--arch", converter = ArchitectureConverter.class, paramLabel = "ARCH",
            description = "qwen2 (default), qwen2-moe, deepseek-v3 (latent attention, YaRN, fine-grained MoE) or"
                    + " deepseek-v3.2 (deepseek-v3 with DSA sparse attention).")
    Architecture arch;

    @Option(names = "--moe", description = "Same as --arch qwen2-moe.")
    boolean moe;

    @Option(names = "--seed", defaultValue = "0", description = "Weight seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dtype", defaultValue = "F32", converter = WeightDTypeConverter.class,
            description = "F32, F16 or BF16 (any case). Default: ${DEFAULT-VALUE}.")
    DType dtype;

    /** Case-insensitive preset names; a bad one goes to picocli's error stream with the usage. */
    static final class PresetConverter implements ITypeConverter<ModelPreset> {
        @Override
        public ModelPreset convert(String value) {
            for (ModelPreset p : ModelPreset.values()) {
                if (p.name().equalsIgnoreCase(value)) {
                    return p;
                }
            }
            throw new TypeConversionException("unknown preset '" + value + "' (expected one of "
                    + Arrays.toString(ModelPreset.values()).toLowerCase(Locale.ROOT) + ")");
        }
    }

    /** Architecture names as {@link Architecture#parse} reads them. */
    static final class ArchitectureConverter implements ITypeConverter<Architecture> {
        @Override
        public Architecture convert(String value) {
            try {
                return Architecture.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Only the floating types a checkpoint's weights may be stored in. */
    static final class WeightDTypeConverter implements ITypeConverter<DType> {
        @Override
        public DType convert(String value) {
            for (DType d : List.of(DType.F32, DType.F16, DType.BF16)) {
                if (d.name().equalsIgnoreCase(value)) {
                    return d;
                }
            }
            throw new TypeConversionException("weights dtype '" + value + "' is not F32, F16 or BF16");
        }
    }

    @Override
    public Integer call() {
        ModelPreset p = preset;
        Architecture a = arch != null ? arch : moe ? Architecture.QWEN2_MOE : Architecture.QWEN2;
        ModelConfig config = p.config(a);
        BaseModelInitializer.write(dir, config, seed, dtype);
        long params = BaseModelInitializer.tensors(config, seed).values().stream()
                .mapToLong(t -> t.elementCount()).sum();
        System.out.printf("wrote %s base (%s, %,d parameters, %s) to %s%n", p.name().toLowerCase(),
                config.modelType(), params, dtype, dir);
        if (config.isDeepseek()) {
            long mla = config.cacheBytesPerToken();
            long mha = config.mhaCacheBytesPerToken();
            System.out.printf("KV cache per token (float32, %d layers): %,d bytes as latent attention keeps it"
                            + " (latent + rotary key%s), %,d bytes as plain multi-head attention would (%.1fx)%n",
                    config.numLayers(), mla, config.deepseek().indexer() == null ? "" : " + index key", mha,
                    (double) mha / mla);
        }
        return 0;
    }
}
