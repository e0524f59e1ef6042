package ai.mint.client;

import ai.mint.api.RestClient;
import ai.mint.api.SavedCheckpoint;
import ai.mint.events.CheckpointsCall;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Tinker's rest-style checkpoint client over Kafka: list and delete calls keyed by the checkpoint's policy, taken by
 * the worker that owns its partition (which also removes expired checkpoints as it lists them).
 */
final class KafkaRestClient implements RestClient {

    private final KafkaServiceClient service;

    KafkaRestClient(KafkaServiceClient service) {
        this.service = service;
    }

    @Override
    public CompletableFuture<List<SavedCheckpoint>> listCheckpoints(String policyId) {
        return call(policyId, null).thenApply(r -> r.getCheckpoints().stream().map(TrainingCalls::checkpoint).toList());
    }

    @Override
    public CompletableFuture<Void> deleteCheckpoint(String uri) {
        try {
            return call(TrainingCalls.policyOf(uri), uri).thenApply(r -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<ai.mint.events.TrainingReply> call(String policyId, String deleteUri) {
        return service.send(service.newRequest(policyId).setStateVersion(0)
                .setCheckpoints(CheckpointsCall.newBuilder().setDeleteUri(deleteUri).build()).build(),
                (deleteUri == null ? "listing checkpoints of " + policyId : "deleting " + deleteUri));
    }
}
