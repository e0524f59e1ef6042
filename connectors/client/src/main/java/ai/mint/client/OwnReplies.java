package ai.mint.client;

import ai.mint.common.kafka.ReplyTopics;
import ai.mint.topics.TopicSpec;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * One client's own reply topic ({@code mint.replies.CLIENT} of the training API, {@code mint.inference.replies.CLIENT}
 * of sampling; one partition, short retention): created when the client first calls, named in each of its calls, read
 * only by it, deleted when it closes. So a client never reads (or decodes) another client's replies. A worker that
 * still holds a call of a closed client dead-letters it (its reply topic is gone) without holding up anyone else.
 */
final class OwnReplies<T extends SpecificRecord> implements AutoCloseable {

    private final MintClient client;
    private final TopicSpec topic;
    private final ReplyChannel<T> channel;

    OwnReplies(MintClient client, TopicSpec topic, Class<T> type, Function<T, String> idOf) {
        this.client = client;
        this.topic = topic;
        try {
            ReplyTopics.create(client.clients(), client.clientId() + "-admin", topic);
        } catch (IllegalStateException e) {
            throw new MintClientException(e.getMessage(), e.getCause());
        }
        this.channel = new ReplyChannel<>(client.clients(), client.registry(), topic.name(), type, idOf,
                client.clientId() + "-" + topic.name());
    }

    /** The topic the worker answers on. */
    String topic() {
        return topic.name();
    }

    /** A future completed by the reply with this id (register before publishing). */
    CompletableFuture<T> expect(String id) {
        return channel.expect(id);
    }

    /** Replies dropped because their id was answered already. */
    long duplicatesDropped() {
        return channel.duplicatesDropped();
    }

    /** Stops reading and deletes the topic (its replies were for this client only). */
    @Override
    public void close() {
        channel.close();
        ReplyTopics.delete(client.clients(), client.clientId() + "-admin", topic.name());
    }
}
