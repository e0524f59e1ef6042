package ai.mint.engine;

import java.nio.file.Path;

/**
 * Settings of one engine, read once at start-up: the base model directory, the device ("cpu", or "gpu"/"cuda" for
 * the first CUDA device), PyTorch's intra-op threads, the working set's budgets in bytes for the device and CPU tiers,
 * its loader threads, how long a failed adapter fails requests fast, and how many adapters it remembers when they
 * hold nothing; and generation's prefill shape: rows prefilled together (prompt-processing memory scales with them)
 * and padded tokens per prefill chunk (what one iteration may spend on prompts before the running rows decode again).
 */
public record EngineConfig(Path baseDir, String device, int threads, long adapterBudgetBytes, long cpuCacheBytes,
                           int prefillRows, int prefillChunkTokens, int loaderThreads, long failureBackoffMs,
                           int maxKnownAdapters) {

    public static final String DEFAULT_DEVICE = "cpu";
    public static final int DEFAULT_THREADS = 2;
    public static final long DEFAULT_ADAPTER_BUDGET = 512L << 20;
    public static final long DEFAULT_CPU_CACHE = 2L << 30;
    public static final int DEFAULT_PREFILL_ROWS = 32;
    public static final int DEFAULT_PREFILL_CHUNK_TOKENS = 512;
    public static final int DEFAULT_LOADER_THREADS = 2;
    public static final long DEFAULT_FAILURE_BACKOFF_MS = 30_000;
    public static final int DEFAULT_MAX_KNOWN_ADAPTERS = 65_536;

    public EngineConfig {
        if (baseDir == null) {
            throw new EngineException("engine config needs a base model directory");
        }
        if (threads < 1 || adapterBudgetBytes <= 0 || cpuCacheBytes < 0) {
            throw new EngineException("engine threads must be >= 1 and budgets positive");
        }
        if (prefillRows < 1 || prefillChunkTokens < 1) {
            throw new EngineException("prefill rows and prefill chunk tokens must be >= 1, got " + prefillRows + ", "
                    + prefillChunkTokens);
        }
        if (loaderThreads < 1 || failureBackoffMs < 0 || maxKnownAdapters < 1) {
            throw new EngineException("adapter loader threads and max known adapters must be >= 1 and the failure "
                    + "backoff >= 0, got " + loaderThreads + ", " + maxKnownAdapters + ", " + failureBackoffMs);
        }
    }

    /** The configuration with default budgets, prefill shape and loader. */
    public static EngineConfig of(Path baseDir) {
        return new EngineConfig(baseDir, DEFAULT_DEVICE, DEFAULT_THREADS, DEFAULT_ADAPTER_BUDGET, DEFAULT_CPU_CACHE,
                DEFAULT_PREFILL_ROWS, DEFAULT_PREFILL_CHUNK_TOKENS, DEFAULT_LOADER_THREADS,
                DEFAULT_FAILURE_BACKOFF_MS, DEFAULT_MAX_KNOWN_ADAPTERS);
    }

    public EngineConfig withAdapterBudget(long bytes) {
        return new EngineConfig(baseDir, device, threads, bytes, cpuCacheBytes, prefillRows, prefillChunkTokens,
                loaderThreads, failureBackoffMs, maxKnownAdapters);
    }

    public EngineConfig withCpuCache(long bytes) {
        return new EngineConfig(baseDir, device, threads, adapterBudgetBytes, bytes, prefillRows, prefillChunkTokens,
                loaderThreads, failureBackoffMs, maxKnownAdapters);
    }

    public EngineConfig withDevice(String name) {
        return new EngineConfig(baseDir, name, threads, adapterBudgetBytes, cpuCacheBytes, prefillRows,
                prefillChunkTokens, loaderThreads, failureBackoffMs, maxKnownAdapters);
    }

    public EngineConfig withThreads(int count) {
        return new EngineConfig(baseDir, device, count, adapterBudgetBytes, cpuCacheBytes, prefillRows,
                prefillChunkTokens, loaderThreads, failureBackoffMs, maxKnownAdapters);
    }

    public EngineConfig withPrefill(int rows, int chunkTokens) {
        return new EngineConfig(baseDir, device, threads, adapterBudgetBytes, cpuCacheBytes, rows, chunkTokens,
                loaderThreads, failureBackoffMs, maxKnownAdapters);
    }

    public EngineConfig withLoader(int loaders, long backoffMs, int maxKnown) {
        return new EngineConfig(baseDir, device, threads, adapterBudgetBytes, cpuCacheBytes, prefillRows,
                prefillChunkTokens, loaders, backoffMs, maxKnown);
    }
}
