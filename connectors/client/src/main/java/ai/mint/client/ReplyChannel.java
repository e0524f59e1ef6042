package ai.mint.client;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * Request/reply over Kafka for one result topic: follows the topic from its end and completes the future registered
 * under a reply's id (its correlation id, or request id). Register before publishing the request, so that the reply
 * cannot come first.
 */
final class ReplyChannel<T extends SpecificRecord> implements AutoCloseable {

    private final Map<String, CompletableFuture<T>> pending = new ConcurrentHashMap<>();
    private final TopicFollower<T> follower;

    ReplyChannel(KafkaClients clients, SchemaRegistryClient registry, String topic, Class<T> type,
                 Function<T, String> idOf, String clientId) {
        this.follower = new TopicFollower<>(clients, registry, topic, type, false, clientId, reply -> {
            CompletableFuture<T> future = pending.get(idOf.apply(reply));
            if (future != null) {
                future.complete(reply);
            }
        });
    }

    /** A future completed by the reply with this id. */
    CompletableFuture<T> expect(String id) {
        CompletableFuture<T> future = new CompletableFuture<>();
        pending.put(id, future);
        future.whenComplete((r, e) -> pending.remove(id));
        return future;
    }

    @Override
    public void close() {
        follower.close();
    }
}
