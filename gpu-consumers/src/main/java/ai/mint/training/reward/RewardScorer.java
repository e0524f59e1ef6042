package ai.mint.training.reward;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scores many samples at once and turns every way a reward can go wrong into a failed {@link RewardOutcome} with a
 * reason: an exception, no answer within the timeout, or a NaN/infinite value.
 *
 * <p>Rewards run on a fixed pool of at most {@code maxThreads} daemon threads. At the deadline the scorer cancels
 * the reward's pool tasks with {@link Future#cancel(boolean) cancel(true)}, which interrupts them (cancelling the
 * {@link CompletableFuture} a reward returns would not). A reward that ignores the interrupt keeps its thread: such
 * a "stuck" thread is logged and counted, and since the pool never grows past its bound, stuck rewards can hold at
 * most {@code maxThreads} threads; when every thread is stuck, scoring fails at once with that reason.
 */
public final class RewardScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RewardScorer.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor pool;
    private final Duration timeout;
    private final int maxThreads;
    private final AtomicInteger stuck = new AtomicInteger();

    /**
     * Default bound on reward threads. Generous on purpose: rewards are mostly waiting (graders, sleeps) rather than
     * computing, and a sample queued behind busy threads shares the batch's deadline, so a small pool would time out
     * good samples behind a few slow ones. Threads are made on demand and retire when idle.
     */
    public static final int DEFAULT_MAX_THREADS = 64;

    /** A scorer with at most {@link #DEFAULT_MAX_THREADS} reward threads. */
    public RewardScorer(Duration timeout) {
        this(timeout, DEFAULT_MAX_THREADS);
    }

    /** A scorer whose rewards, stuck ones included, never hold more than {@code maxThreads} threads. */
    public RewardScorer(Duration timeout, int maxThreads) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("reward timeout must be positive, got " + timeout);
        }
        if (maxThreads < 1) {
            throw new IllegalArgumentException("reward pool needs at least one thread, got " + maxThreads);
        }
        this.timeout = timeout;
        this.maxThreads = maxThreads;
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "reward-" + id + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // idle scorers hold no threads
    }

    /** One outcome per input, in input order. */
    public List<RewardOutcome> scoreAll(RewardFunction reward, List<RewardInput> inputs) {
        if (stuck.get() >= maxThreads) {
            String reason = "all " + maxThreads + " reward threads are stuck in earlier rewards that ignored "
                    + "interruption";
            LOG.warn("{}; failing {} samples without scoring them", reason, inputs.size());
            return inputs.stream().map(i -> RewardOutcome.failed(reason)).toList();
        }
        List<CompletableFuture<Double>> futures = new ArrayList<>(inputs.size());
        List<TrackingExecutor> executors = new ArrayList<>(inputs.size());
        for (RewardInput input : inputs) {
            TrackingExecutor executor = new TrackingExecutor();
            CompletableFuture<Double> f;
            try {
                f = reward.scoreAsync(input, executor);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            futures.add(f);
            executors.add(executor);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<RewardOutcome> outcomes = new ArrayList<>(inputs.size());
        for (int i = 0; i < futures.size(); i++) {
            outcomes.add(await(futures.get(i), executors.get(i), deadline));
        }
        return outcomes;
    }

    /** Pool threads held by rewards that outlived their deadline and have not stopped yet. */
    public int stuckThreads() {
        return stuck.get();
    }

    /** Pool threads alive now (never more than the bound given to the constructor). */
    public int liveThreads() {
        return pool.getPoolSize();
    }

    private RewardOutcome await(CompletableFuture<Double> future, TrackingExecutor executor, long deadlineNanos) {
        try {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            Double value = future.get(left, TimeUnit.NANOSECONDS);
            if (value == null || !Double.isFinite(value)) {
                return RewardOutcome.failed("reward returned " + value);
            }
            return RewardOutcome.ok(value);
        } catch (TimeoutException e) {
            future.cancel(true);
            executor.cancelAll();
            return RewardOutcome.failed("reward timed out after " + timeout.toMillis() + " ms");
        } catch (ExecutionException | CompletionException e) {
            return RewardOutcome.failed(describe(e.getCause() != null ? e.getCause() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.cancelAll();
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
        pool.shutdownNow();
    }

    /**
     * The executor one sample's reward runs on: it remembers the pool tasks the reward started, so that they can be
     * cancelled (interrupting their threads) when the sample times out.
     */
    private final class TrackingExecutor implements Executor {

        private final ConcurrentLinkedQueue<Tracked> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable command) {
            Tracked task = new Tracked(command);
            try {
                task.future = pool.submit(task);
            } catch (RejectedExecutionException e) {
                throw new RejectedExecutionException("the reward scorer is closed", e);
            }
            tasks.add(task);
        }

        void cancelAll() {
            tasks.forEach(Tracked::cancel);
        }
    }

    /** One pool task of a reward; knows whether it is running, so that a cancelled one that keeps running counts. */
    private final class Tracked implements Runnable {

        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;
        private static final int ABANDONED = 3;

        private final Runnable command;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private volatile Future<?> future;
        private volatile Thread runner;

        Tracked(Runnable command) {
            this.command = command;
        }

        @Override
        public void run() {
            runner = Thread.currentThread();
            if (!state.compareAndSet(QUEUED, RUNNING)) {
                return;
            }
            try {
                command.run();
            } finally {
                if (state.getAndSet(DONE) == ABANDONED) {
                    int left = stuck.decrementAndGet();
                    LOG.info("abandoned reward on {} finished after all; {} reward thread(s) still stuck",
                            runner.getName(), left);
                }
            }
        }

        void cancel() {
            Future<?> f = future;
            if (f != null) {
                f.cancel(true); // interrupts the thread if the task is running, drops it if still queued
            }
            if (state.compareAndSet(RUNNING, ABANDONED)) {
                int now = stuck.incrementAndGet();
                LOG.warn("reward on {} outlived its {} ms deadline and was interrupted; {} of {} reward threads are "
                        + "held by such rewards until they return", runner.getName(), timeout.toMillis(), now,
                        maxThreads);
            }
            state.compareAndSet(QUEUED, DONE); // never started: nothing to wait for
        }
    }
}
