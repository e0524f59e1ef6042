package ai.mint.engine;

import java.nio.file.Path;

/**
 * Settings of one engine, read once at start-up: the base model directory, the device ("cpu", or "gpu"/"cuda" for
 * the first CUDA device), PyTorch's intra-op threads, and the adapter budgets in bytes for the device and CPU tiers.
 */
public record EngineConfig(Path baseDir, String device, int threads, long adapterBudgetBytes, long cpuCacheBytes) {

    public static final String DEFAULT_DEVICE = "cpu";
    public static final int DEFAULT_THREADS = 2;
    public static final long DEFAULT_ADAPTER_BUDGET = 512L << 20;
    public static final long DEFAULT_CPU_CACHE = 2L << 30;

    public EngineConfig {
        if (baseDir == null) {
            throw new EngineException("engine config needs a base model directory");
        }
        if (threads < 1 || adapterBudgetBytes <= 0 || cpuCacheBytes < 0) {
            throw new EngineException("engine threads must be >= 1 and budgets positive");
        }
    }

    public static EngineConfig of(Path baseDir) {
        return new EngineConfig(baseDir, DEFAULT_DEVICE, DEFAULT_THREADS, DEFAULT_ADAPTER_BUDGET, DEFAULT_CPU_CACHE);
    }

    public EngineConfig withAdapterBudget(long bytes) {
        return new EngineConfig(baseDir, device, threads, bytes, cpuCacheBytes);
    }

    public EngineConfig withDevice(String name) {
        return new EngineConfig(baseDir, name, threads, adapterBudgetBytes, cpuCacheBytes);
    }
}
