package ai.mint.worker;

import ai.mint.topics.Topics;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Which per-client reply topics exist, asked of the broker once per poll. A call whose reply topic is gone (its client
 * closed and deleted it) must not be run: publishing there would block until the producer gives up, and the retried
 * poll would block again, so one stale call would stop the worker's training work for every other client.
 */
public final class ReplyTopics implements AutoCloseable {

    private final Admin admin;

    public ReplyTopics(Admin admin) {
        this.admin = admin;
    }

    /** The ones of {@code topics} that exist now. */
    public Set<String> existing(Collection<String> topics) {
        Set<String> out = new HashSet<>();
        for (String topic : new HashSet<>(topics)) {
            try {
                admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
                out.add(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe " + topic + ": " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("the broker did not describe " + topic + " within 10 s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + topic, e);
            }
        }
        return out;
    }

    /** Whether {@code topic} is named like a client's reply topic (calls may not make workers write elsewhere). */
    static boolean isReplyTopic(String topic) {
        return topic.startsWith(Topics.REPLY_TOPIC_PREFIX) && topic.length() > Topics.REPLY_TOPIC_PREFIX.length();
    }

    @Override
    public void close() {
        admin.close();
    }
}
