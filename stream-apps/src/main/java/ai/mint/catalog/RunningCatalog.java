package ai.mint.catalog;

import ai.mint.catalog.query.CatalogHttpServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A started catalog instance: its streams app and query API. Closing stops the query API first, so that no query
 * reaches stores that are closing.
 *
 * @param streams the running Kafka Streams app (state, metadata)
 * @param http    the query API
 * @param stopped completes with ERROR or NOT_RUNNING when the streams app stops
 * @param restore how far the stores have been rebuilt from their changelogs
 * @param closeTimeout how long {@link #close()} waits for the last commit
 */
public record RunningCatalog(KafkaStreams streams, CatalogHttpServer http, CompletableFuture<KafkaStreams.State> stopped,
                             RestoreProgress restore, Duration closeTimeout) implements AutoCloseable {

    /** Base URL of this instance's query API. */
    public String queryUrl() {
        return "http://" + http.host() + ":" + http.port();
    }

    @Override
    public void close() {
        http.close();
        // leave the group, so that a planned restart hands the partitions over at once instead of after the
        // session timeout; a crash still waits, as it should
        streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(closeTimeout));
    }
}
