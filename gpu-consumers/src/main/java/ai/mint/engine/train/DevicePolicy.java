package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.mint.engine.TrainablePolicy;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything one policy owns on the device while it is trained: its LoRA factors (a {@link DeviceAdapter}, the
 * master copy at the policy's own rank, updated in place), the gradients accumulated since its last optimizer step
 * and its Adam state, all in one manager of its own. Nothing here is shared with another policy, which is what keeps
 * a K-policy step equal to K single-policy steps.
 */
final class DevicePolicy implements TrainablePolicy {

    private static final NDIndex ALL = new NDIndex("...");

    private final String policyId;
    private final ModelConfig config;
    private final NDManager manager;
    private final DeviceAdapter factors;
    private final Map<String, NDArray> gradSum = new LinkedHashMap<>();
    private final Consumer<DevicePolicy> onClose;
    private AdamState adam;
    private boolean closed;

    DevicePolicy(String policyId, String adapterId, ModelConfig config, LoraWeights initial, NDManager parent,
                 Consumer<DevicePolicy> onClose) {
        this.policyId = policyId;
        this.config = config;
        this.manager = parent.newSubManager();
        try {
            this.factors = DeviceAdapter.upload(adapterId, initial, config, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.adam = new AdamState(manager);
        this.onClose = onClose;
    }

    @Override
    public String policyId() {
        return policyId;
    }

    @Override
    public String adapterId() {
        return factors.id();
    }

    @Override
    public int rank() {
        return factors.rank();
    }

    @Override
    public float alpha() {
        return factors.alpha();
    }

    @Override
    public boolean rsLora() {
        return factors.rsLora();
    }

    @Override
    public Set<Projection> targets() {
        return factors.targets();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public long optimizerSteps() {
        return adam.step();
    }

    @Override
    public boolean hasGradients() {
        return !gradSum.isEmpty();
    }

    @Override
    public long hostCopies() {
        return factors.hostCopies();
    }

    ModelConfig config() {
        return config;
    }

    /** The trainable factors: the same arrays across every step. */
    DeviceAdapter factors() {
        return factors;
    }

    AdamState adam() {
        return adam;
    }

    NDManager manager() {
        return manager;
    }

    /** Gradients accumulated since the last optimizer step, by parameter name (empty if none). */
    Map<String, NDArray> accumulatedGradients() {
        return Collections.unmodifiableMap(gradSum);
    }

    /**
     * Adds the gradient a step left on the factors (autograd's {@code .grad}) to the accumulated one and zeroes it
     * for the next step. Device operations only.
     */
    void collectStepGradients() {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray zero = scratch.create(0f);
            for (Map.Entry<String, NDArray> p : factors.parameters().entrySet()) {
                NDArray g = p.getValue().getGradient(); // a new handle on the factor's .grad
                g.attach(scratch);
                NDArray sum = gradSum.get(p.getKey());
                if (sum == null) {
                    NDArray copy = g.duplicate();
                    copy.attach(manager);
                    gradSum.put(p.getKey(), copy);
                } else {
                    sum.addi(g);
                }
                g.set(ALL, zero); // in place, NaN included: the next step starts from zero
            }
        }
    }

    /** Zeroes what a failed step may have left on the factors' {@code .grad}; the accumulated gradients stay. */
    void zeroStepGradients() {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray zero = scratch.create(0f);
            for (NDArray p : factors.parameters().values()) {
                if (p.hasGradient()) {
                    NDArray g = p.getGradient();
                    g.attach(scratch);
                    g.set(ALL, zero);
                }
            }
        }
    }

    /** Drops the gradients accumulated since the last optimizer step (after a step, or when a checkpoint loads). */
    void clearGradients() {
        gradSum.values().forEach(NDArray::close);
        gradSum.clear();
    }

    /** Replaces the optimizer state (on load); the old one is closed. */
    void replaceAdam(AdamState restored) {
        adam.close();
        adam = restored;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.accept(this);
        manager.close();
    }
}
