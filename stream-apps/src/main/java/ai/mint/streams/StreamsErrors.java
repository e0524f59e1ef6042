package ai.mint.streams;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way every stream app (catalog, orchestrator, scheduler) handles failures, by {@link FailureKind}: a
 * production and a processing exception handler that dead-letter a record-level failure and go on, and an uncaught
 * exception handler that replaces a thread killed by a retriable failure after a growing backoff (the task then takes
 * its records again from the last commit) and stops the app, with the reason in the log, on a broken invariant.
 * {@link StreamsDefaults#base} installs the two record handlers; each app sets {@link #uncaughtHandler}.
 */
public final class StreamsErrors {

    /** App config key of the {@link DeadLetterSink} object the record handlers send to. */
    public static final String DEAD_LETTER_SINK = "mint.dead.letter.sink";
    /** First wait before a thread killed by a retriable failure is replaced. */
    public static final long BACKOFF_INITIAL_MS = 200;
    /** Longest wait before a replacement. */
    public static final long BACKOFF_MAX_MS = 10_000;
    /** A retriable failure this long after the previous one starts the backoff afresh. */
    static final long BACKOFF_RESET_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(StreamsErrors.class);

    private StreamsErrors() {
    }

    /** Puts the record handlers and their dead-letter sink into an app's Kafka Streams settings. */
    public static void install(Properties props, DeadLetterSink sink) {
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ClassifyingProcessingHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ClassifyingProductionHandler.class);
        props.put(DEAD_LETTER_SINK, sink);
    }

    /** The sink a handler was configured with; one that only logs if the app set none. */
    static DeadLetterSink sink(Map<String, ?> configs) {
        Object sink = configs.get(DEAD_LETTER_SINK);
        if (sink instanceof DeadLetterSink s) {
            return s;
        }
        return letter -> LOG.error("no dead-letter sink configured; dropped the dead letter of {} offset {}: {}",
                letter.getSourceTopic(), letter.getSourceOffset(), letter.getReason());
    }

    /** The uncaught exception handler of app {@code app}, with the default backoff. */
    public static StreamsUncaughtExceptionHandler uncaughtHandler(String app) {
        return uncaughtHandler(app, BACKOFF_INITIAL_MS, BACKOFF_MAX_MS);
    }

    /**
     * Replaces a thread killed by a retriable failure, waiting {@code initialMs}, then twice as long after each further
     * one (up to {@code maxMs}); anything else shuts this instance down (state ERROR, and its command exits 1).
     */
    public static StreamsUncaughtExceptionHandler uncaughtHandler(String app, long initialMs, long maxMs) {
        return new StreamsUncaughtExceptionHandler() {
            private long failures;
            private long lastFailureNanos;

            @Override
            public synchronized StreamThreadExceptionResponse handle(Throwable e) {
                FailureKind kind = FailureKind.of(e);
                if (kind != FailureKind.RETRIABLE) {
                    LOG.error("{} stops: {} failure it cannot go on from (a record-level failure reaching here means a"
                            + " handler could not dead-letter it): {}", app, kind, ai.mint.common.decode.Failures
                            .describe(e), e);
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
                long now = System.nanoTime();
                if (failures > 0 && now - lastFailureNanos > TimeUnit.MILLISECONDS.toNanos(BACKOFF_RESET_MS)) {
                    failures = 0;
                }
                lastFailureNanos = now;
                long wait = Math.min(maxMs, initialMs << Math.min(failures++, 20));
                LOG.warn("{}: a stream thread failed on a retriable error ({}); replacing it in {} ms", app,
                        ai.mint.common.decode.Failures.describe(e), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        };
    }
}
