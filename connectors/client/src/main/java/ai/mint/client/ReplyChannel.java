package ai.mint.client;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.kafka.TopicFollower;
import ai.mint.registry.SchemaRegistryClient;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * Request/reply over Kafka for one result topic: follows the topic from its end and completes the future registered
 * under a reply's id (its correlation id, or request id) with the first reply of that id; a repeated answer is dropped
 * ({@link ReplyMatcher}). Register before publishing the request, so that the reply cannot come first.
 */
final class ReplyChannel<T extends SpecificRecord> implements AutoCloseable {

    /** Answered ids remembered to drop repeats: far more than one client has in flight. */
    static final int REMEMBERED_IDS = 100_000;

    private final ReplyMatcher<T> matcher = new ReplyMatcher<>(REMEMBERED_IDS);
    private final TopicFollower<T> follower;

    ReplyChannel(KafkaClients clients, SchemaRegistryClient registry, String topic, Class<T> type,
                 Function<T, String> idOf, String clientId) {
        this.follower = new TopicFollower<>(clients, registry, topic, type, false, clientId,
                reply -> matcher.accept(idOf.apply(reply), reply));
    }

    /** A future completed by the first reply with this id. */
    CompletableFuture<T> expect(String id) {
        return matcher.expect(id);
    }

    /** Replies dropped because their id was answered already. */
    long duplicatesDropped() {
        return matcher.duplicatesDropped();
    }

    @Override
    public void close() {
        follower.close();
    }
}
