package ai.mint.engine.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW over every weight of a base model, updated in place: the gradients PyTorch accumulated on the weights are
 * clipped to a global norm, used, and zeroed for the next step. Weight decay is decoupled and applies only to
 * matrices (norm gains and biases are not decayed). The moments live in a manager of their own and are saved with a
 * checkpoint, so a resumed run continues exactly.
 */
final class FullAdamW implements AutoCloseable {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.95;
    static final double EPS = 1e-8;

    private final NDManager manager;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long steps;

    FullAdamW(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    long steps() {
        return steps;
    }

    /**
     * One update of {@code weights} at learning rate {@code lr}; must run outside a gradient collector. Returns the
     * gradient's global norm before clipping; a non-finite norm skips the update (and still clears the gradients).
     */
    double step(Map<String, NDArray> weights, double lr, double weightDecay, double clipNorm, NDManager scratch) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        double sumSq = 0;
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray g = e.getValue().getGradient(); // a new handle on the weight's gradient each call
            g.attach(scratch);
            grads.put(e.getKey(), g);
            sumSq += g.square().sum().getFloat();
        }
        double norm = Math.sqrt(sumSq);
        if (Double.isFinite(norm)) {
            weights.forEach((name, w) -> {
                // made before the scope opens, which closes everything created inside it
                moment(first, name, w);
                moment(second, name, w);
            });
            float clip = (float) (clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0);
            steps++;
            float c1 = (float) (1 - Math.pow(BETA1, steps));
            float c2 = (float) (1 - Math.pow(BETA2, steps));
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                    NDArray w = e.getValue();
                    NDArray g = grads.get(e.getKey()).mul(clip);
                    NDArray m = first.get(e.getKey()).muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
                    NDArray v = second.get(e.getKey()).muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
                    NDArray update = m.div(c1).divi(v.div(c2).sqrt().addi((float) EPS));
                    if (weightDecay > 0 && w.getShape().dimension() >= 2) {
                        update.addi(w.mul((float) weightDecay));
                    }
                    w.subi(update.muli((float) lr));
                }
            }
        }
        grads.values().forEach(g -> g.muli(0f)); // PyTorch adds each backward to the weight's gradient
        return norm;
    }

    private NDArray moment(Map<String, NDArray> moments, String name, NDArray like) {
        return moments.computeIfAbsent(name, n -> manager.zeros(like.getShape(), like.getDataType()));
    }

    /** The moments by name ({@code m.NAME}, {@code v.NAME}) as host arrays, for a checkpoint. */
    Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        first.forEach((n, a) -> out.put("m." + n, a));
        second.forEach((n, a) -> out.put("v." + n, a));
        return out;
    }

    /** Restores moments saved by {@link #state()} and the step count. */
    void restore(Map<String, float[]> saved, Map<String, NDArray> weights, long stepCount) {
        weights.forEach((name, w) -> {
            float[] m = saved.get("m." + name);
            float[] v = saved.get("v." + name);
            if (m == null || v == null) {
                throw new IllegalArgumentException("checkpoint lacks the Adam moments of " + name);
            }
            first.put(name, manager.create(m, w.getShape()));
            second.put(name, manager.create(v, w.getShape()));
        });
        steps = stepCount;
    }

    @Override
    public void close() {
        manager.close();
    }
}
