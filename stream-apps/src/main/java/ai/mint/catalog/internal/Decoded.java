package ai.mint.catalog.internal;

import org.apache.avro.specific.SpecificRecord;

/**
 * A lifecycle event as decoded from its topic, with the raw bytes it came in, so that a later refusal can put the
 * original record in the dead-letter topic. Lives only between two processors of one task; never serialized.
 *
 * @param event    the decoded event
 * @param rawKey   the record's key bytes (may be null)
 * @param rawValue the record's value bytes
 */
public record Decoded(SpecificRecord event, byte[] rawKey, byte[] rawValue) {
}
