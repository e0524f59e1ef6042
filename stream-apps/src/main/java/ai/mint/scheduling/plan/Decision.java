package ai.mint.scheduling.plan;

import java.util.List;

/**
 * What one placement decision does: the in-flight packs it takes back, the work it sends (each load right before the
 * pack it prepares), and the requests it gives up on. Requests neither sent nor given up stay pending.
 *
 * @param reassigned packs taken back from workers that stopped (their requests are sent again or stay pending)
 * @param work       loads and packs to send, in order
 * @param expired    requests answered with an error instead
 * @param pending    requests still waiting, oldest first
 */
public record Decision(List<Reassignment> reassigned, List<Work> work, List<Expired> expired,
                       List<PendingRequest> pending) {

    public Decision {
        reassigned = List.copyOf(reassigned);
        work = List.copyOf(work);
        expired = List.copyOf(expired);
        pending = List.copyOf(pending);
    }

    /** An in-flight pack taken back, and why. */
    public record Reassignment(InFlightPack pack, String reason) {
    }

    /** A request given up on, and the error its client gets. */
    public record Expired(PendingRequest request, String reason) {
    }

    /** Work addressed to one run of one worker. */
    public sealed interface Work permits Load, Pack {
        String workerId();

        String instance();

        AdapterKey adapter();
    }

    /** Load {@code adapter} on the worker now, ahead of the pack that follows. */
    public record Load(String workerId, String instance, AdapterKey adapter, long bytes) implements Work {
    }

    /**
     * Answer {@code requests} with {@code adapter}.
     *
     * @param cold the worker does not hold the adapter (a load precedes the pack when prefetching)
     */
    public record Pack(String workerId, String instance, AdapterKey adapter, long bytes,
                       List<PendingRequest> requests, boolean cold) implements Work {
        public Pack {
            requests = List.copyOf(requests);
        }
    }

    /** The packs of this decision. */
    public List<Pack> packs() {
        return work.stream().filter(Pack.class::isInstance).map(Pack.class::cast).toList();
    }
}
