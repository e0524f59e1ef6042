package ai.mint.catalog.internal;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids of the records the catalog emits, derived from the id of the input that caused them. Random ids would make
 * a replay of the same input produce different output; derived ones keep the catalog a pure fold of its input.
 */
public final class DerivedIds {

    private DerivedIds() {
    }

    /** A name-based (version 3) UUID of the input's event id and what is derived from it. */
    public static String of(String inputEventId, String purpose) {
        return UUID.nameUUIDFromBytes((purpose + ':' + inputEventId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The id of a dead letter for the record at this topic/partition/offset. */
    public static String ofSource(String topic, int partition, long offset) {
        return of(topic + '/' + partition + '/' + offset, "dead-letter");
    }
}
