package ai.mint.common.kafka;

import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The one way to handle per-client reply topics ({@code mint.replies.CLIENT} of the training API,
 * {@code mint.inference.replies.ID} of gateways and clients): their owner creates one ({@link #create}) and deletes it
 * when it closes ({@link #delete}); whoever answers asks which still exist ({@link #existing}) before it answers. A
 * send to a deleted topic would block until the producer gives up, and the retried poll would block again, so one
 * stale request would stop the answers to every other client: such requests are dead-lettered instead.
 */
public final class ReplyTopics implements ReplyTopicLookup {

    private final Admin admin;

    /** Existence checks through {@code admin} (closed with this). */
    public ReplyTopics(Admin admin) {
        this.admin = admin;
    }

    /**
     * Creates {@code spec}'s topic if it is missing (replication at most the cluster's broker count) and waits until
     * the broker describes it; an existing topic is used as it is.
     *
     * @param clientId the admin client's id
     * @throws IllegalStateException naming the topic when Kafka refuses or does not answer within 30 s
     */
    public static void create(KafkaClients clients, String clientId, TopicSpec spec) {
        try (Admin admin = clients.admin(clientId)) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replication = (short) Math.max(1, Math.min(spec.replication(), brokers));
            NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.of(replication))
                    .configs(spec.configs());
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create the reply topic " + spec.name() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
            awaitMetadata(admin, spec.name());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach Kafka to create the reply topic " + spec.name() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 30 s while creating the reply topic "
                    + spec.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the reply topic " + spec.name(), e);
        }
    }

    /**
     * Readers take the partitions as metadata has them, so wait until the topic is described. Right after its
     * creation the broker asked may not know it yet and says UNKNOWN_TOPIC_OR_PARTITION: ask again.
     */
    private static void awaitMetadata(Admin admin, String topic)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Deletes a closed owner's reply topic; a failed delete loses nothing (retention empties it within the hour). */
    public static void delete(KafkaClients clients, String clientId, String topic) {
        try (Admin admin = clients.admin(clientId)) {
            admin.deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // see above
        }
    }

    @Override
    public Set<String> existing(Collection<String> topics) {
        // one describe request for all of them: a batch answering many clients costs one round trip, not one each
        Map<String, KafkaFuture<TopicDescription>> described =
                admin.describeTopics(new HashSet<>(topics)).topicNameValues();
        Set<String> out = new HashSet<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
            try {
                topic.getValue().get(10, TimeUnit.SECONDS);
                out.add(topic.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe " + topic.getKey() + ": " + e.getCause(),
                            e.getCause());
                }
            } catch (TimeoutException e) { // Kafka's own, retriable: the caller backs off and asks again
                throw new org.apache.kafka.common.errors.TimeoutException("the broker did not describe "
                        + topic.getKey() + " within 10 s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + topic.getKey(), e);
            }
        }
        return out;
    }

    /** Whether {@code topic} is named like a client's training reply topic (calls may not make workers write elsewhere). */
    public static boolean isTrainingReplyTopic(String topic) {
        return topic.startsWith(Topics.REPLY_TOPIC_PREFIX) && topic.length() > Topics.REPLY_TOPIC_PREFIX.length();
    }

    @Override
    public void close() {
        admin.close();
    }
}
