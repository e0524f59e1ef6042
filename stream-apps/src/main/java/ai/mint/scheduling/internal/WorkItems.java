package ai.mint.scheduling.internal;

import ai.mint.common.ids.EventIds;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.WorkItem;
import ai.mint.events.WorkKind;
import ai.mint.scheduling.plan.Decision;
import java.time.Instant;
import java.util.List;

/** Builds the records the scheduler sends: work items for workers and error answers for clients. */
final class WorkItems {

    private WorkItems() {
    }

    /** The id of a pack: derived from its first request, its worker run and the send count, so a replay repeats it. */
    static String packId(Decision.Pack pack, int sends) {
        return EventIds.derived(pack.requests().get(0).requestId() + "/" + pack.workerId() + "/" + pack.instance()
                + "/" + sends, "work-pack");
    }

    static WorkItem load(Decision.Load load, String packId, Route.Adapter adapter, String appName, long nowMs) {
        return base(load.workerId(), load.instance(), load.adapter().policyId(), load.adapter().revision(), adapter,
                load.bytes(), packId, appName, nowMs)
                .setEventId(EventIds.derived(packId, "work-load")).setKind(WorkKind.LOAD).setRequests(List.of())
                .setAttempt(1).build();
    }

    /** A pack; each request carries the pack's revision (when resolved), so the worker answers with exactly it. */
    static WorkItem pack(Decision.Pack pack, String packId, Route.Adapter adapter, List<InferenceRequest> requests,
                         int attempt, String appName, long nowMs) {
        String revision = pack.adapter().revision();
        List<InferenceRequest> pinned = revision == null ? requests : requests.stream()
                .map(q -> InferenceRequest.newBuilder(q).setRevision(revision).build()).toList();
        return base(pack.workerId(), pack.instance(), pack.adapter().policyId(), revision, adapter, pack.bytes(),
                packId, appName, nowMs)
                .setEventId(EventIds.derived(packId, "work-pack")).setKind(WorkKind.PACK).setRequests(pinned)
                .setAttempt(attempt).build();
    }

    /** The answer a client gets for a request the scheduler gave up on. */
    static InferenceResponse error(InferenceRequest q, String reason, String appName, long nowMs) {
        return InferenceResponse.newBuilder()
                // the id a worker's answer to this request would have, so consumers drop one of two answers
                .setEventId(EventIds.derived(q.getEventId(), "inference-response"))
                .setPolicyId(q.getPolicyId()).setTime(Instant.ofEpochMilli(nowMs)).setRequestId(q.getRequestId())
                .setRevision("").setWorkerId(appName).setCompletionText("").setFinishReason("error").setLatencyMs(0)
                .setError(reason).build();
    }

    private static WorkItem.Builder base(String workerId, String instance, String policyId, String revision,
                                         Route.Adapter adapter, long bytes, String packId, String appName, long nowMs) {
        return WorkItem.newBuilder().setPolicyId(policyId).setTime(Instant.ofEpochMilli(nowMs)).setPackId(packId)
                .setWorkerId(workerId).setWorkerInstance(instance).setRevision(revision)
                .setAdapterUri(adapter == null ? null : adapter.uri())
                .setSha256(adapter == null ? null : adapter.sha256()).setAdapterBytes(bytes)
                .setProducedBy(appName);
    }
}
