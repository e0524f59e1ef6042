package ai.mint.training.reward;

import java.util.concurrent.CompletableFuture;

/**
 * Asks another system for a reward (a judge model, a test harness, a human queue) and completes when it answers.
 * The lifecycle wiring implements this over a request/reply topic; tests implement it in process. Timeouts are
 * applied by the caller, so an implementation may simply never complete.
 */
@FunctionalInterface
public interface ExternalRewardClient {

    /** Requests a reward for one completion from the evaluator named {@code evaluator}. */
    CompletableFuture<Double> requestReward(String evaluator, RewardInput input);

    /** A client for specs that name no external evaluator: any request fails with a clear reason. */
    ExternalRewardClient NONE = (evaluator, input) -> CompletableFuture.failedFuture(new IllegalStateException(
            "no external reward client is configured (evaluator '" + evaluator + "')"));
}
