package ai.mint.streams;

import ai.mint.common.metrics.ServiceMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How a stream app's command runs it: start it, close it when the JVM is asked to stop (waiting for its last commit),
 * and return once it has stopped, with exit code 1 if it died in ERROR.
 */
public final class StreamsRunner {

    private StreamsRunner() {
    }

    /**
     * Also serves the app's metrics ({@link StreamsMetrics}) while it runs.
     *
     * @param service the app's name: the {@code service} label of its metrics, its shutdown thread's name
     * @param config  the app's settings, with {@code MetricsConfig}'s among them
     * @param banner  printed to standard out once started (how to stop it, what it is)
     */
    public static int runUntilStopped(KafkaStreams streams, AbstractConfig config, Duration shutdownTimeout,
                                      String service, String banner) throws Exception {
        CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        ServiceMetrics metrics = StreamsMetrics.start(service, config, streams);
        streams.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(shutdownTimeout);
            metrics.close();
        }, "mint-" + service + "-shutdown"));
        System.out.println(banner + metrics.url().map(url -> "; metrics at " + url).orElse(""));
        return stopped.get() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
