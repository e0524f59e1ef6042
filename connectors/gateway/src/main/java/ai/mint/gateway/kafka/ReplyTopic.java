package ai.mint.gateway.kafka;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.topics.TopicSpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates one instance's reply topic ({@link ai.mint.topics.Topics#inferenceReplies}) when it is missing: one
 * partition, replication as the spec asks but at most the cluster's broker count, the spec's retention and record
 * bound. An existing topic is used as it is.
 */
final class ReplyTopic {

    private ReplyTopic() {
    }

    static void ensure(KafkaClients clients, TopicSpec spec) {
        try (Admin admin = clients.admin("mint-gateway-admin")) {
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
}
