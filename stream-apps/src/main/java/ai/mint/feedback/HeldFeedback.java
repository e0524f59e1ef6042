package ai.mint.feedback;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.events.Feedback;

/**
 * Feedback as the join keeps it while it waits for its response (stored as JSON), with where it was read, so that a
 * dead letter made later still names its source record.
 *
 * @param heldSinceMs when (wall clock) it started waiting
 */
record HeldFeedback(String eventId, String policyId, long timeMs, String requestId, String tenant, double score,
                    String preferredCompletion, String topic, int partition, long offset, byte[] value,
                    long heldSinceMs) {

    static HeldFeedback of(Feedback f, DeadLetters.Source source, long nowMs) {
        return new HeldFeedback(f.getEventId(), f.getPolicyId(), f.getTime().toEpochMilli(), f.getRequestId(),
                f.getTenant(), f.getScore(), f.getPreferredCompletion(), source.topic(), source.partition(),
                source.offset(), source.value(), nowMs);
    }

    DeadLetters.Source source() {
        return new DeadLetters.Source(topic, partition, offset, DeadLetters.keyBytes(policyId), value);
    }
}
