package ai.mint.worker;

import ai.mint.common.metrics.PolicyLabels;
import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.events.InferenceResponse;
import ai.mint.events.UpdateResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;

/**
 * The worker's Prometheus meters, fed from what it publishes (every result passes {@link #published}) and from the
 * model runtime: inference requests, tokens and generation latency per policy (bounded by {@link PolicyLabels}),
 * training steps with their last loss and mean reward, device residency, adapter loads, evictions and cold-load
 * latency. Consumer lag comes from the Kafka clients' own metrics bound to the same registry.
 */
public final class WorkerMetrics {

    /** Latency buckets of generation and cold loads: milliseconds to a minute. */
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final ServiceMetrics metrics;
    private final MeterRegistry registry;
    private final PolicyLabels labels;
    private final Map<String, AtomicReference<Double>> lastLoss = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> lastReward = new ConcurrentHashMap<>();
    private final Timer coldLoads;

    public WorkerMetrics(ServiceMetrics metrics, PolicyLabels labels, ModelRuntime runtime) {
        this.metrics = metrics;
        this.registry = metrics.registry();
        this.labels = labels.onDemoted(policy -> {
            metrics.removePolicy(policy);
            lastLoss.remove(policy);
            lastReward.remove(policy);
        });
        Gauge.builder("mint.adapters.resident", runtime, r -> r.residentAdapters().size())
                .description("Adapters resident per tier").tag("tier", "device").register(registry);
        Gauge.builder("mint.adapters.resident.bytes", runtime, ModelRuntime::residentAdapterBytes)
                .description("Bytes of resident adapters per tier").baseUnit("bytes").tag("tier", "device")
                .register(registry);
        Gauge.builder("mint.adapters.budget.bytes", runtime, ModelRuntime::adapterBudgetBytes)
                .description("Byte budget of a tier").baseUnit("bytes").tag("tier", "device").register(registry);
        Gauge.builder("mint.engine.arrays.live", runtime, ModelRuntime::liveArrays)
                .description("Native arrays alive in the engine (flat over a soak when nothing leaks)")
                .register(registry);
        FunctionCounter.builder("mint.adapter.loads", runtime, ModelRuntime::adapterLoads)
                .description("Adapters loaded onto the device").register(registry);
        FunctionCounter.builder("mint.adapter.evictions", runtime, ModelRuntime::adapterEvictions)
                .description("Adapters evicted from the device").register(registry);
        this.coldLoads = Timer.builder("mint.adapter.cold.load")
                .description("Time to fetch, verify and register an adapter that was not resident")
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** The registry's owner, for binding Kafka clients. */
    public ServiceMetrics service() {
        return metrics;
    }

    /** Records one cold load of an adapter. */
    public void coldLoad(long nanos) {
        coldLoads.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts what the worker just published. */
    public void published(SpecificRecord event) {
        if (event instanceof InferenceResponse response) {
            inference(response);
        } else if (event instanceof UpdateResult result) {
            trainingStep(result);
        }
    }

    private void inference(InferenceResponse r) {
        String policy = labels.label(r.getPolicyId());
        String outcome = r.getError() == null ? "ok" : r.getErrorCode() == null ? "error" : r.getErrorCode();
        Counter.builder("mint.inference.requests").description("Inference requests answered, by outcome")
                .tags(PolicyLabels.TAG, policy, "outcome", outcome).register(registry).increment();
        if (r.getError() != null) {
            return;
        }
        Counter.builder("mint.inference.tokens").description("Tokens read (prompt) and generated (completion)")
                .tags(PolicyLabels.TAG, policy, "kind", "prompt").register(registry).increment(r.getPromptTokens());
        Counter.builder("mint.inference.tokens").description("Tokens read (prompt) and generated (completion)")
                .tags(PolicyLabels.TAG, policy, "kind", "completion").register(registry)
                .increment(r.getCompletionTokens().size());
        Timer.builder("mint.inference.duration").description("Generation time of the batch that answered a request")
                .serviceLevelObjectives(BUCKETS).tags(PolicyLabels.TAG, policy).register(registry)
                .record(r.getLatencyMs(), TimeUnit.MILLISECONDS);
    }

    private void trainingStep(UpdateResult r) {
        String policy = labels.label(r.getPolicyId());
        Counter.builder("mint.training.steps").description("GRPO update steps, by outcome")
                .tags(PolicyLabels.TAG, policy, "outcome", r.getError() == null ? "ok" : "error")
                .register(registry).increment();
        if (r.getError() != null) {
            return;
        }
        last(lastLoss, "mint.training.loss", "Loss of the policy's last update step", policy).set(r.getLoss());
        last(lastReward, "mint.training.reward", "Mean reward of the rollouts of the policy's last update step",
                policy).set(r.getMeanReward());
    }

    private AtomicReference<Double> last(Map<String, AtomicReference<Double>> values, String name, String doc,
                                         String policy) {
        return values.computeIfAbsent(policy, p -> {
            AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
            Gauge.builder(name, value, AtomicReference::get).description(doc).tags(PolicyLabels.TAG, p)
                    .register(registry);
            return value;
        });
    }
}
