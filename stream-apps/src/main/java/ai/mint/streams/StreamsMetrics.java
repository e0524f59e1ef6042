package ai.mint.streams;

import ai.mint.common.metrics.MetricsConfig;
import ai.mint.common.metrics.ServiceMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The Prometheus metrics of a stream app: the service's own (JVM, dead letters by reason) and Kafka Streams' metrics
 * of {@code streams} (process rates, commit latency, the consumers' lag), served where the app's
 * {@link MetricsConfig} settings say.
 */
public final class StreamsMetrics {

    private StreamsMetrics() {
    }

    /** Starts the metrics of {@code service}; close them when the app stops. */
    public static ServiceMetrics start(String service, AbstractConfig config, KafkaStreams streams) {
        ServiceMetrics metrics = MetricsConfig.start(service, config);
        metrics.bind(new KafkaStreamsMetrics(streams));
        return metrics;
    }
}
