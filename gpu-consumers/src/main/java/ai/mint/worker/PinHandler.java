package ai.mint.worker;

import ai.mint.common.ids.EventIds;
import ai.mint.engine.AdapterStatus;
import ai.mint.events.AdapterPin;
import ai.mint.events.AdapterPinResult;
import ai.mint.events.RevisionInfo;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Applies operators' pins to this worker's working set: a pinned revision is loaded onto the device and kept there,
 * counted against the device budget, until it is unpinned; a pin that cannot be honoured (unknown revision, not
 * exported, unreadable, or too large beside the adapters already pinned) is refused, and the adapter is not pinned.
 * Every decision is answered with an {@link AdapterPinResult} naming this worker.
 */
public final class PinHandler {

    private final WorkContext ctx;

    public PinHandler(WorkContext ctx) {
        this.ctx = ctx;
    }

    /** Applies one pin or unpin; the future completes with the result to publish (never exceptionally). */
    public CompletableFuture<Reply> apply(AdapterPin pin) {
        String policy = pin.getPolicyId();
        String revision = pin.getRevision();
        if (!pin.getPinned()) {
            ctx.runtime().unpin(policy, revision);
            return CompletableFuture.completedFuture(result(pin, false, true, "unpinned; it may be evicted again", 0));
        }
        RevisionInfo info;
        try {
            ctx.policy(policy); // known here, on this worker's base
            info = ctx.catalog().revision(policy, revision).orElseThrow(() -> new RejectedWorkException(
                    "policy '" + policy + "' has no revision '" + revision + "'"));
            if (info.getAdapterUri() == null) {
                throw new RejectedWorkException("revision '" + revision + "' of policy '" + policy
                        + "' is not exported yet");
            }
        } catch (RejectedWorkException e) {
            return CompletableFuture.completedFuture(result(pin, false, false, "pin refused: " + e.getMessage(), 0));
        }
        return ctx.runtime().pin(policy, revision, info.getAdapterUri(), info.getSha256())
                .handle((AdapterStatus status, Throwable error) -> error == null
                        ? result(pin, true, true, "pinned resident on the device, " + status.bytes() + " bytes",
                        status.bytes())
                        : result(pin, false, false, "pin refused: " + message(error), 0));
    }

    private Reply result(AdapterPin pin, boolean pinned, boolean accepted, String reason, long bytes) {
        AdapterPinResult r = AdapterPinResult.newBuilder()
                .setEventId(EventIds.derived(pin.getEventId(), "pin-result-" + ctx.workerId()))
                .setPolicyId(pin.getPolicyId())
                .setTime(Instant.now())
                .setCorrelationId(pin.getCorrelationId())
                .setRevision(pin.getRevision())
                .setWorkerId(ctx.workerId())
                .setPinned(pinned)
                .setAccepted(accepted)
                .setReason(reason)
                .setBytes(bytes)
                .build();
        return new Reply(Topics.ADAPTER_PIN_RESULTS.name(), pin.getPolicyId(), r);
    }

    private static String message(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
