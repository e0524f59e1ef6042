package ai.mint.engine;

import ai.mint.engine.generate.Generator;

import java.nio.file.Path;

/**
 * Settings of one engine, read once at start-up: the base model directory, the device ("cpu", or "gpu"/"cuda" for
 * the first CUDA device), PyTorch's intra-op threads, the adapter budgets in bytes for the device and CPU tiers, and
 * the rows per prefill forward of a generation batch (its prompt-processing peak memory scales with them).
 */
public record EngineConfig(Path baseDir, String device, int threads, long adapterBudgetBytes, long cpuCacheBytes,
                           int prefillRows) {

    public static final String DEFAULT_DEVICE = "cpu";
    public static final int DEFAULT_THREADS = 2;
    public static final long DEFAULT_ADAPTER_BUDGET = 512L << 20;
    public static final long DEFAULT_CPU_CACHE = 2L << 30;
    public static final int DEFAULT_PREFILL_ROWS = Generator.DEFAULT_PREFILL_ROWS;

    public EngineConfig {
        if (baseDir == null) {
            throw new EngineException("engine config needs a base model directory");
        }
        if (threads < 1 || adapterBudgetBytes <= 0 || cpuCacheBytes < 0) {
            throw new EngineException("engine threads must be >= 1 and budgets positive");
        }
        if (prefillRows < 1) {
            throw new EngineException("prefill rows per chunk must be >= 1, got " + prefillRows);
        }
    }

    /** The configuration with the default prefill chunk. */
    public EngineConfig(Path baseDir, String device, int threads, long adapterBudgetBytes, long cpuCacheBytes) {
        this(baseDir, device, threads, adapterBudgetBytes, cpuCacheBytes, DEFAULT_PREFILL_ROWS);
    }

    public static EngineConfig of(Path baseDir) {
        return new EngineConfig(baseDir, DEFAULT_DEVICE, DEFAULT_THREADS, DEFAULT_ADAPTER_BUDGET, DEFAULT_CPU_CACHE);
    }

    public EngineConfig withAdapterBudget(long bytes) {
        return new EngineConfig(baseDir, device, threads, bytes, cpuCacheBytes, prefillRows);
    }

    public EngineConfig withCpuCache(long bytes) {
        return new EngineConfig(baseDir, device, threads, adapterBudgetBytes, bytes, prefillRows);
    }

    public EngineConfig withDevice(String name) {
        return new EngineConfig(baseDir, name, threads, adapterBudgetBytes, cpuCacheBytes, prefillRows);
    }

    public EngineConfig withPrefillRows(int rows) {
        return new EngineConfig(baseDir, device, threads, adapterBudgetBytes, cpuCacheBytes, rows);
    }
}
