package ai.mint.gateway;

import ai.mint.common.metrics.PolicyLabels;
import ai.mint.common.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The gateway's Prometheus meters: HTTP requests by policy, endpoint and status, their latency and time to first
 * token (histograms), tokens read and generated per policy, and the requests in flight. Policies are labelled through
 * {@link PolicyLabels} (the busiest by name, the rest "other"); a request that never reached a policy the caller may
 * use (bad input, unknown model, bad key) is counted under {@code policy="none"}, so no client-chosen name becomes a
 * label.
 */
public final class GatewayMetrics {

    /** Latency buckets: milliseconds to two minutes. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    private final MeterRegistry registry;
    private final PolicyLabels labels;

    public GatewayMetrics(ServiceMetrics metrics, PolicyLabels labels, IntSupplier inFlight) {
        this.registry = metrics.registry();
        this.labels = labels.onDemoted(metrics::removePolicy);
        Gauge.builder("mint.gateway.in.flight", inFlight, IntSupplier::getAsInt)
                .description("Inference requests sent to Kafka and not yet answered").register(registry);
    }

    /** The label to count a request of {@code policyId} under (null: it reached no policy). */
    public String label(String policyId) {
        return policyId == null ? PolicyLabels.NONE : labels.label(policyId);
    }

    /** One HTTP request finished with {@code status} after {@code nanos}. */
    public void request(String policyLabel, String endpoint, int status, long nanos) {
        Counter.builder("mint.gateway.requests").description("HTTP requests answered, by policy, endpoint and status")
                .tags(PolicyLabels.TAG, policyLabel, "endpoint", endpoint, "status", Integer.toString(status))
                .register(registry).increment();
        Timer.builder("mint.gateway.request.duration").description("Time from request to the last byte of its answer")
                .serviceLevelObjectives(BUCKETS).tags(PolicyLabels.TAG, policyLabel, "endpoint", endpoint)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Tokens a successful request read and generated. */
    public void tokens(String policyLabel, int prompt, int completion) {
        Counter.builder("mint.gateway.tokens").description("Tokens read (prompt) and generated (completion)")
                .tags(PolicyLabels.TAG, policyLabel, "kind", "prompt").register(registry).increment(prompt);
        Counter.builder("mint.gateway.tokens").description("Tokens read (prompt) and generated (completion)")
                .tags(PolicyLabels.TAG, policyLabel, "kind", "completion").register(registry).increment(completion);
    }

    /** A stream's first content reached the client {@code nanos} after the request. */
    public void firstToken(String policyLabel, long nanos) {
        Timer.builder("mint.gateway.time.to.first.token").description("Time from a streamed request to its first "
                        + "content chunk").serviceLevelObjectives(BUCKETS).tags(PolicyLabels.TAG, policyLabel)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
