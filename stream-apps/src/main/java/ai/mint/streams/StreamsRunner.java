package ai.mint.streams;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How a stream app's command runs it: start it, close it when the JVM is asked to stop (waiting for its last commit),
 * and return once it has stopped, with exit code 1 if it died in ERROR.
 */
public final class StreamsRunner {

    private StreamsRunner() {
    }

    /**
     * @param name   the app's name, for its shutdown thread and the line printed once it runs
     * @param banner printed to standard out once started (how to stop it, what it is)
     */
    public static int runUntilStopped(KafkaStreams streams, Duration shutdownTimeout, String name, String banner)
            throws Exception {
        CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        streams.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(shutdownTimeout), name + "-shutdown"));
        System.out.println(banner);
        return stopped.get() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
