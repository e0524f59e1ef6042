package ai.mint.worker;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.topics.TopicSpec;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates a worker's own work topic when it starts ({@link ai.mint.topics.Topics#workTopic}): provisioning creates the
 * platform's fixed topics, but workers come and go, so each makes its own (replication capped at the broker count,
 * as provisioning does). A topic that exists already, from an earlier run of the same worker id, is kept.
 */
final class WorkTopic {

    private WorkTopic() {
    }

    static void ensure(KafkaClients clients, TopicSpec spec, String clientId) {
        try (Admin admin = clients.admin(clientId)) {
            int brokers = admin.describeCluster().nodes().get(KafkaClients.TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            NewTopic topic = new NewTopic(spec.name(), spec.partitions(),
                    (short) Math.max(1, Math.min(spec.replication(), brokers))).configs(spec.configs());
            admin.createTopics(List.of(topic)).all().get(KafkaClients.TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the work topic " + spec.name() + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create the work topic " + spec.name() + " within "
                    + KafkaClients.TIMEOUT_MS / 1000 + " s: is Kafka reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the work topic " + spec.name(), e);
        }
    }
}
