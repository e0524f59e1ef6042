package ai.mint.common.ids;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The one format of event ids in the project. An event caused by another gets an id derived from its cause's id and
 * what it is ({@link #derived}), so that processing the same input twice (a replay, a redelivery after a restart)
 * produces the same ids, which consumers drop as duplicates; events nobody causes get a {@link #fresh} id.
 */
public final class EventIds {

    private EventIds() {
    }

    /**
     * A name-based (version 3) UUID of {@code purpose:inputEventId}.
     *
     * @param inputEventId the id of the event (or the coordinates of the record) this one is derived from
     * @param purpose      what the derived event is, e.g. {@code rollout-result}; one input may cause several
     */
    public static String derived(String inputEventId, String purpose) {
        return UUID.nameUUIDFromBytes((purpose + ':' + inputEventId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The id of the dead letter for the record at this topic, partition and offset. */
    public static String ofSource(String topic, int partition, long offset) {
        return derived(topic + '/' + partition + '/' + offset, "dead-letter");
    }

    /** A random id, for events no input causes (heartbeats, requests from people). */
    public static String fresh() {
        return UUID.randomUUID().toString();
    }
}
