package ai.mint.training.reward;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scores many samples at once and turns every way a reward can go wrong into a failed {@link RewardOutcome} with a
 * reason: an exception, no answer within the timeout, or a NaN/infinite value. A reward stuck in a loop keeps its
 * (daemon) thread busy, but the scorer stops waiting for it at the deadline.
 */
public final class RewardScorer implements AutoCloseable {

    private final ExecutorService executor;
    private final Duration timeout;

    public RewardScorer(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("reward timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "reward-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** One outcome per input, in input order. */
    public List<RewardOutcome> scoreAll(RewardFunction reward, List<RewardInput> inputs) {
        List<CompletableFuture<Double>> futures = new ArrayList<>(inputs.size());
        for (RewardInput input : inputs) {
            CompletableFuture<Double> f;
            try {
                f = reward.scoreAsync(input, executor);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            futures.add(f);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<RewardOutcome> outcomes = new ArrayList<>(inputs.size());
        for (CompletableFuture<Double> f : futures) {
            outcomes.add(await(f, deadline));
        }
        return outcomes;
    }

    private RewardOutcome await(CompletableFuture<Double> future, long deadlineNanos) {
        try {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            Double value = future.get(left, TimeUnit.NANOSECONDS);
            if (value == null || !Double.isFinite(value)) {
                return RewardOutcome.failed("reward returned " + value);
            }
            return RewardOutcome.ok(value);
        } catch (TimeoutException e) {
            future.cancel(true);
            return RewardOutcome.failed("reward timed out after " + timeout.toMillis() + " ms");
        } catch (ExecutionException | CompletionException e) {
            return RewardOutcome.failed(describe(e.getCause() != null ? e.getCause() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RewardOutcome.failed("interrupted while waiting for the reward");
        }
    }

    private String describe(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return "reward timed out (" + t.getClass().getSimpleName() + ")";
        }
        return "reward threw " + t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
