package ai.mint.training.reward;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Scores one sampled completion. Built-in rewards compute synchronously; rewards answered by another system
 * override {@link #scoreAsync}. A reward may throw or return a non-finite value: {@link RewardScorer} turns either
 * into a failed sample rather than a number that could poison the update.
 */
public interface RewardFunction {

    /** The reward of one completion; larger is better. */
    double score(RewardInput input) throws Exception;

    /** Scores on {@code executor}; rewards that wait on another system replace this with their own future. */
    default CompletableFuture<Double> scoreAsync(RewardInput input, Executor executor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return score(input);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    /** A short human-readable description, e.g. {@code contains("7")}. */
    String describe();
}
