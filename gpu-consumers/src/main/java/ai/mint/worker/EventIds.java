package ai.mint.worker;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Ids of the events a worker derives from a request. They depend only on the request's event id, so a request
 * delivered twice (a worker restarted before committing) yields results with the same ids, which the catalog drops as
 * duplicates.
 */
public final class EventIds {

    private EventIds() {
    }

    public static String derived(String requestEventId, String kind) {
        return UUID.nameUUIDFromBytes((requestEventId + "/" + kind).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static String fresh() {
        return UUID.randomUUID().toString();
    }
}
