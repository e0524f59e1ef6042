package ai.mint.training.reward;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** A reward answered by another system through an {@link ExternalRewardClient}, bounded by its own timeout. */
public record ExternalReward(String evaluator, ExternalRewardClient client, Duration timeout) implements RewardFunction {

    @Override
    public double score(RewardInput input) throws Exception {
        return scoreAsync(input, Runnable::run).get();
    }

    @Override
    public CompletableFuture<Double> scoreAsync(RewardInput input, Executor executor) {
        CompletableFuture<Double> answer;
        try {
            answer = client.requestReward(evaluator, input);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // a copy, so that timing out here never completes the client's own future underneath it
        return answer.thenApply(v -> v).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String describe() {
        return "external(" + evaluator + ", timeout " + timeout.toMillis() + " ms)";
    }
}
