package ai.mint.engine.bench;

import ai.mint.engine.model.Architecture;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.safetensors.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shared set-up of the engine benchmarks: a base model made once under target/bench-work and work directories.
 * Timing, order and statistics are {@link ai.mint.common.bench.BenchRun}'s.
 */
public final class BenchSupport {

    private BenchSupport() {
    }

    /** The small preset (or tiny with --quick) in target/bench-work, written on first use. */
    static Path base(boolean quick, boolean moe) {
        return base(quick ? ModelPreset.TINY : ModelPreset.SMALL, moe);
    }

    /** A base of {@code preset} in target/bench-work, written on first use (seed 0, F32), shared by all benchmarks. */
    public static Path base(ModelPreset preset, boolean moe) {
        Path dir = Path.of("target", "bench-work", preset.name().toLowerCase() + (moe ? "-moe" : "-dense"));
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            BaseModelInitializer.write(dir, preset.config(moe), 0, DType.F32);
        }
        return dir;
    }

    static ModelConfig config(boolean quick, boolean moe) {
        return (quick ? ModelPreset.TINY : ModelPreset.SMALL).config(moe);
    }

    /**
     * A base of {@code preset} and {@code arch} in target/bench-work, written on first use (seed 0, F32); the Qwen2
     * ones are the same directories as {@link #base(ModelPreset, boolean)}.
     */
    public static Path base(ModelPreset preset, Architecture arch) {
        if (arch == Architecture.QWEN2 || arch == Architecture.QWEN2_MOE) {
            return base(preset, arch == Architecture.QWEN2_MOE);
        }
        Path dir = Path.of("target", "bench-work", preset.name().toLowerCase() + "-" + arch.cliName());
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            BaseModelInitializer.write(dir, preset.config(arch), 0, DType.F32);
        }
        return dir;
    }

    /** {@code target/bench-work/NAME}, created if missing. */
    public static Path workDir(String name) {
        try {
            return Files.createDirectories(Path.of("target", "bench-work", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long dirBytes(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
