package ai.mint.worker;

import org.apache.avro.specific.SpecificRecord;

/**
 * A result to publish: where, under which key (the policy id), and the event.
 *
 * @param topic topic name
 * @param key   record key
 * @param event the result event
 */
public record Reply(String topic, String key, SpecificRecord event) {
}
