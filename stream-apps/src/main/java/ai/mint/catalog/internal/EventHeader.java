package ai.mint.catalog.internal;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The fields every event of the contract carries (event_id, policy_id, time), read from any of them by name because
 * the generated classes share no interface.
 *
 * @param eventId  the event's unique id
 * @param policyId the policy it belongs to
 * @param time     when it was produced
 */
public record EventHeader(String eventId, String policyId, Instant time) {

    /** Reads the header of an event, or explains which field is missing or empty. */
    public static EventHeader of(SpecificRecord event) {
        String eventId = requiredString(event, "event_id");
        String policyId = requiredString(event, "policy_id");
        Object time = field(event, "time");
        if (!(time instanceof Instant instant)) {
            throw new IllegalArgumentException(event.getSchema().getName() + " has no time");
        }
        return new EventHeader(eventId, policyId, instant);
    }

    private static String requiredString(SpecificRecord event, String name) {
        Object value = field(event, name);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException(event.getSchema().getName() + "." + name + " is empty");
        }
        return value.toString();
    }

    private static Object field(SpecificRecord event, String name) {
        Schema.Field field = event.getSchema().getField(name);
        if (field == null) {
            throw new IllegalArgumentException(event.getSchema().getName() + " has no field " + name);
        }
        return event.get(field.pos());
    }
}
