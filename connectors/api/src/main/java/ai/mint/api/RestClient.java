package ai.mint.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Tinker's rest-style client for checkpoints: list a policy's saved checkpoints (state and sampler, with their sizes,
 * digests and life times) and delete one by its address. Expired checkpoints are not listed.
 */
public interface RestClient {

    /** The policy's checkpoints, sampler and state, by address. */
    CompletableFuture<List<SavedCheckpoint>> listCheckpoints(String policyId);

    /** Deletes the checkpoint at {@code uri} ({@code mint://POLICY/state|sampler/NAME}); fails if none is there. */
    CompletableFuture<Void> deleteCheckpoint(String uri);
}
