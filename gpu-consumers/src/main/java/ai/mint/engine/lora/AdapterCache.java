package ai.mint.engine.lora;

import ai.mint.engine.EngineException;
import ai.mint.engine.WorkingSet;
import ai.mint.engine.model.ModelConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two lower tiers of the working set: adapter directories on storage (PEFT layout, registered by id) and a
 * byte-bounded LRU cache of decoded adapters in Java memory, so that a re-load skips file parsing.
 */
public final class AdapterCache {

    private final ModelConfig config;
    private final long cpuBudgetBytes;
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, LoraWeights> cpu = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Long> cachedAtMs = new HashMap<>();
    private long cpuBytes;

    public AdapterCache(ModelConfig config, long cpuBudgetBytes) {
        this.config = config;
        this.cpuBudgetBytes = cpuBudgetBytes;
    }

    /** Makes {@code id} loadable from a PEFT directory; replaces an earlier registration and its cached copy. */
    public void register(String id, Path dir) {
        files.put(id, dir);
        synchronized (this) {
            LoraWeights old = cpu.remove(id);
            if (old != null) {
                cpuBytes -= old.byteSize();
            }
            cachedAtMs.remove(id);
        }
    }

    /** Puts an already decoded adapter into the CPU tier (e.g. a revision the trainer just produced). */
    public synchronized void put(String id, LoraWeights w) {
        LoraWeights old = cpu.put(id, w);
        cachedAtMs.put(id, System.currentTimeMillis());
        cpuBytes += w.byteSize() - (old == null ? 0 : old.byteSize());
        trim();
    }

    public boolean knows(String id) {
        return files.containsKey(id) || isCached(id);
    }

    public synchronized boolean isCached(String id) {
        return cpu.containsKey(id);
    }

    /** The decoded adapter: from the CPU tier, else read from its files (and cached). */
    public LoraWeights get(String id) {
        synchronized (this) {
            LoraWeights w = cpu.get(id);
            if (w != null) {
                cachedAtMs.put(id, System.currentTimeMillis());
                return w;
            }
        }
        Path dir = files.get(id);
        if (dir == null) {
            throw new EngineException("adapter '" + id + "' is not registered (no directory, not in the CPU tier)");
        }
        LoraWeights w = PeftAdapterIo.read(dir, config);
        put(id, w);
        return w;
    }

    /** The decoded adapters held, least recently used first, as the engine's working set reports them. */
    public synchronized List<WorkingSet.Adapter> snapshot() {
        List<WorkingSet.Adapter> out = new ArrayList<>(cpu.size());
        cpu.forEach((id, w) -> out.add(new WorkingSet.Adapter(id, w.byteSize(), w.rank(), WorkingSet.Tier.CPU, false,
                cachedAtMs.getOrDefault(id, 0L))));
        return out;
    }

    public long cpuBudgetBytes() {
        return cpuBudgetBytes;
    }

    public synchronized long cpuBytes() {
        return cpuBytes;
    }

    private void trim() {
        var it = cpu.entrySet().iterator();
        while (cpuBytes > cpuBudgetBytes && it.hasNext()) {
            var e = it.next();
            if (files.containsKey(e.getKey())) { // only drop what can be read back from storage
                cpuBytes -= e.getValue().byteSize();
                cachedAtMs.remove(e.getKey());
                it.remove();
            }
        }
    }
}
