package ai.mint.worker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Per-client reply topics that proved gone (their client closed and deleted them while an answer was being made). A
 * send to a topic the producer has no metadata for waits for it; remembering the topic lets every later answer to it
 * fail at once instead of waiting again, so one departed client costs one bounded wait, not one per chunk. Bounded
 * and expiring: a topic re-created under the same name is written again after {@link #FORGET_AFTER}.
 */
final class GoneReplyTopics {

    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    private static final int MAX_REMEMBERED = 4096;

    private final Map<String, Long> goneSince = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /** Whether a failed send says that its topic does not exist (rather than, say, that the broker is down). */
    static boolean meansGone(Throwable error) {
        return error instanceof UnknownTopicOrPartitionException
                || error instanceof TimeoutException && error.getMessage() != null
                && error.getMessage().contains("not present in metadata");
    }

    synchronized void remember(String topic, long nowMs) {
        goneSince.put(topic, nowMs);
    }

    synchronized boolean isGone(String topic, long nowMs) {
        Long since = goneSince.get(topic);
        if (since == null) {
            return false;
        }
        if (nowMs - since > FORGET_AFTER.toMillis()) {
            goneSince.remove(topic);
            return false;
        }
        return true;
    }
}
