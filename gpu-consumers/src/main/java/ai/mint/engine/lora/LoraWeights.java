package ai.mint.engine.lora;

import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A decoded LoRA adapter in Java memory (the CPU tier): for each {@link LoraKey} the A and B factors in compute
 * layout, A as [in, r] and B as [r, out] (per-expert keys: [E, in, r] and [E, r, out]). The correction of a
 * projection is {@code scale * x @ A @ B} with {@code scale = alpha / r} (or {@code alpha / sqrt(r)} for rsLoRA).
 */
public final class LoraWeights {

    private final int rank;
    private final float alpha;
    private final boolean rsLora;
    private final Set<Projection> targets;
    private final Map<LoraKey, float[]> a;
    private final Map<LoraKey, float[]> b;

    public LoraWeights(int rank, float alpha, boolean rsLora, Set<Projection> targets,
                       Map<LoraKey, float[]> a, Map<LoraKey, float[]> b) {
        if (rank < 1 || rank > 64) {
            throw new EngineException("LoRA rank " + rank + " is outside 1..64");
        }
        if (!a.keySet().equals(b.keySet())) {
            throw new EngineException("LoRA A and B factors cover different projections: " + a.keySet() + " vs "
                    + b.keySet());
        }
        this.rank = rank;
        this.alpha = alpha;
        this.rsLora = rsLora;
        this.targets = Collections.unmodifiableSet(EnumSet.copyOf(targets));
        this.a = Collections.unmodifiableMap(new LinkedHashMap<>(a));
        this.b = Collections.unmodifiableMap(new LinkedHashMap<>(b));
    }

    /**
     * A fresh adapter with PEFT's initialisation (A uniform in +-1/sqrt(in), B zero) or, with {@code randomB}, a
     * random B too so that the adapter changes the model (tests, benchmarks).
     */
    public static LoraWeights random(ModelConfig c, Set<Projection> targets, int rank, float alpha, long seed,
                                     boolean randomB) {
        LoraKey.requireTargets(c, targets);
        Random rnd = new Random(seed);
        Map<LoraKey, float[]> a = new LinkedHashMap<>();
        Map<LoraKey, float[]> b = new LinkedHashMap<>();
        for (LoraKey key : LoraKey.all(c, targets)) {
            float[] fa = new float[(int) key.sizeA(c, rank)];
            float bound = (float) (1.0 / Math.sqrt(key.inDim(c)));
            for (int i = 0; i < fa.length; i++) {
                fa[i] = (rnd.nextFloat() * 2 - 1) * bound;
            }
            float[] fb = new float[(int) key.sizeB(c, rank)];
            if (randomB) {
                for (int i = 0; i < fb.length; i++) {
                    fb[i] = (float) rnd.nextGaussian() * 0.05f;
                }
            }
            a.put(key, fa);
            b.put(key, fb);
        }
        return new LoraWeights(rank, alpha, false, targets, a, b);
    }

    /** An adapter with no factors: in a bank it leaves its rows on the base alone. */
    public static LoraWeights none() {
        return new LoraWeights(1, 0f, false, EnumSet.noneOf(Projection.class), Map.of(), Map.of());
    }

    public int rank() {
        return rank;
    }

    public float alpha() {
        return alpha;
    }

    public boolean rsLora() {
        return rsLora;
    }

    public float scale() {
        return rsLora ? (float) (alpha / Math.sqrt(rank)) : alpha / rank;
    }

    public Set<Projection> targets() {
        return targets;
    }

    public Map<LoraKey, float[]> a() {
        return a;
    }

    public Map<LoraKey, float[]> b() {
        return b;
    }

    /** Float32 bytes of all factors: what this adapter costs in a device slot at its own rank. */
    public long byteSize() {
        long n = 0;
        for (float[] f : a.values()) {
            n += f.length;
        }
        for (float[] f : b.values()) {
            n += f.length;
        }
        return n * Float.BYTES;
    }

    /** Checks that every factor has the size this base implies. */
    public void checkFits(ModelConfig c) {
        LoraKey.requireTargets(c, targets);
        for (LoraKey key : a.keySet()) {
            if (key.layer() >= c.numLayers()
                    || !LoraKey.keys(c, key.layer(), key.projection()).contains(key)) {
                throw new EngineException("adapter targets " + key + " which this " + c.modelType()
                        + " base does not have");
            }
            long wantA = key.sizeA(c, rank);
            long wantB = key.sizeB(c, rank);
            if (a.get(key).length != wantA || b.get(key).length != wantB) {
                throw new EngineException("adapter factors for " + key + " have " + a.get(key).length + "/"
                        + b.get(key).length + " values, this base needs " + wantA + "/" + wantB + " at rank " + rank);
            }
        }
    }
}
