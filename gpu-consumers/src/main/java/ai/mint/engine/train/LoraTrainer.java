package ai.mint.engine.train;

import ai.mint.api.AdamConfig;
import ai.mint.engine.EngineException;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.OptimStepStats;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.PolicyStepResult;
import ai.mint.engine.TrainablePolicy;
import ai.mint.engine.TrainingCheckpoint;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.DecoderModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The training half of the engine over one resident model: the live policies (each a {@link DevicePolicy}, known by
 * its adapter id so that generation can stack its factors beside serving adapters), their K-policy steps, optimizer
 * steps and training states. Not thread-safe: one training thread calls it.
 */
public final class LoraTrainer implements AutoCloseable {

    /** Adapter ids of training policies start with this; the serving working set refuses such ids. */
    public static final String ADAPTER_PREFIX = "trainer:";

    private final DecoderModel model;
    private final Map<String, DevicePolicy> live = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();

    public LoraTrainer(DecoderModel model) {
        this.model = model;
    }

    /** Whether {@code adapterId} names a training policy rather than an adapter of the working set. */
    public static boolean isPolicyAdapter(String adapterId) {
        return adapterId != null && adapterId.startsWith(ADAPTER_PREFIX);
    }

    public TrainablePolicy createPolicy(String policyId, LoraWeights initial) {
        // unique per instance: a policy may be re-created (reloaded) while its previous state is still open
        String adapterId = ADAPTER_PREFIX + policyId + "#" + created.incrementAndGet();
        DevicePolicy p = new DevicePolicy(policyId, adapterId, model.config(), initial, model.base().manager(),
                closed -> live.remove(closed.adapterId()));
        live.put(adapterId, p);
        return p;
    }

    /** The live factors behind a training policy's adapter id, for a generation batch. */
    public DeviceAdapter adapter(String adapterId) {
        DevicePolicy p = live.get(adapterId);
        if (p == null) {
            throw new EngineException("no live training policy has adapter id '" + adapterId + "' (closed?)");
        }
        return p.factors();
    }

    public List<PolicyStepResult> forwardBackward(List<PolicyBatch> work, MicroBatchBudget budget) {
        return forwardBackward(work, budget, () -> { });
    }

    public List<PolicyStepResult> forwardBackward(List<PolicyBatch> work, MicroBatchBudget budget,
                                                  Runnable betweenPasses) {
        List<DevicePolicy> policies = work.stream().map(pb -> own(pb.policy())).toList();
        return MultiPolicyStep.forwardBackward(model, work, policies, budget, betweenPasses);
    }

    public List<PolicyStepResult> forward(List<PolicyBatch> work, MicroBatchBudget budget) {
        List<DevicePolicy> policies = work.stream().map(pb -> own(pb.policy())).toList();
        return MultiPolicyStep.forward(model, work, policies, budget);
    }

    public OptimStepStats optimStep(TrainablePolicy policy, AdamConfig params) {
        DevicePolicy p = own(policy);
        if (!p.hasGradients()) {
            throw new IllegalStateException("policy " + p.policyId()
                    + ": optimizer step without a forward/backward since the last one");
        }
        OptimStepStats stats = AdamOptimizer.step(p.adam(), p.factors().parameters(), p.accumulatedGradients(), params);
        p.clearGradients();
        return stats;
    }

    public void discardGradients(TrainablePolicy policy) {
        own(policy).clearGradients();
    }

    public Path saveTrainingState(TrainablePolicy policy, Path dir, Map<String, String> metadata) {
        return TrainingStateFile.write(own(policy), dir, metadata);
    }

    public TrainingCheckpoint readTrainingState(Path dir) {
        return TrainingStateFile.read(dir);
    }

    public void restoreTrainingState(TrainablePolicy policy, TrainingCheckpoint checkpoint, boolean withOptimizer) {
        TrainingStateFile.restore(own(policy), checkpoint, withOptimizer);
    }

    public LoraWeights exportWeights(TrainablePolicy policy) {
        return own(policy).factors().toHost();
    }

    /** Policies still open. */
    public int livePolicies() {
        return live.size();
    }

    private DevicePolicy own(TrainablePolicy policy) {
        if (!(policy instanceof DevicePolicy p) || live.get(p.adapterId()) != p) {
            throw new EngineException("policy " + policy.policyId() + " is closed or belongs to another engine");
        }
        return p;
    }

    /** Closes every policy still open. */
    @Override
    public void close() {
        List.copyOf(live.values()).forEach(DevicePolicy::close);
    }
}
