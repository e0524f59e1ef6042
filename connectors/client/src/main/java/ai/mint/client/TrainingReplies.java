package ai.mint.client;

import ai.mint.events.TrainingReply;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One client's own reply topic of the training API ({@code mint.replies.CLIENT}, one partition, short retention):
 * created when the client first calls, named in each of its calls, read only by it, deleted when it closes. So a
 * client never reads (or decodes) another client's replies.
 */
final class TrainingReplies implements AutoCloseable {

    private final MintClient client;
    private final TopicSpec topic;
    private final ReplyChannel<TrainingReply> channel;

    TrainingReplies(MintClient client) {
        this.client = client;
        this.topic = Topics.replies(client.clientId());
        create();
        this.channel = new ReplyChannel<>(client.clients(), client.registry(), topic.name(), TrainingReply.class,
                TrainingReply::getCorrelationId, client.clientId() + "-replies");
    }

    /** The topic the worker answers on. */
    String topic() {
        return topic.name();
    }

    /** A future completed by the reply to the call with this correlation id (register before publishing). */
    CompletableFuture<TrainingReply> expect(String correlationId) {
        return channel.expect(correlationId);
    }

    private void create() {
        try (Admin admin = client.clients().admin(client.clientId() + "-admin")) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replication = (short) Math.max(1, Math.min(topic.replication(), brokers));
            admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), replication)
                    .configs(topic.configs()))).all().get(30, TimeUnit.SECONDS);
            // the follower reads the partitions as metadata has them: wait until the topic is there
            admin.describeTopics(List.of(topic.name())).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new MintClientException("cannot create the reply topic " + topic.name() + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MintClientException("cannot create the reply topic " + topic.name() + " within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MintClientException("interrupted while creating " + topic.name(), e);
        }
    }

    /** Stops reading and deletes the topic (its replies were for this client only). */
    @Override
    public void close() {
        channel.close();
        try (Admin admin = client.clients().admin(client.clientId() + "-admin")) {
            admin.deleteTopics(List.of(topic.name())).all().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // retention removes it within the hour; a failed delete loses nothing
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
