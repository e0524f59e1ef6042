package ai.mint.training.service;

import ai.mint.engine.ContinuousBatch;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.PolicyStepResult;
import ai.mint.engine.TokenSink;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.TrainablePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The one thread that runs a {@link TrainingService}'s model work: training tasks from an ordered queue, and one
 * {@link ContinuousBatch} that every generation (inference, rollouts, sampling) decodes in.
 *
 * <p>Policy. Queued tasks run in submission order; a run of forward/backward tasks of distinct policies becomes one
 * K-policy step, a run of generation tasks joins the continuous batch together and the queue waits until their rows
 * are done (so what follows sees their results, as in submission order). Inference ({@link #serve}) does not queue:
 * its rows join the running batch between decoding iterations and has priority. The thread decodes while the batch
 * has work; a queued task runs when the batch has none, or after {@code inferenceSlice} of uninterrupted decoding (so
 * training is never starved); a K-policy step yields between its micro-batches, where the batch decodes again for up
 * to one slice. A request that arrives during a step therefore waits for at most one micro-batch, then runs at the
 * batch's pace. Every future completes: with its result, its task's failure, or {@link #CLOSED}.
 */
final class ModelExecutor implements AutoCloseable {

    static final String CLOSED = "training service closed";
    private static final Logger LOG = LoggerFactory.getLogger(ModelExecutor.class);
    private static final long CLOSE_DRAIN_NANOS = 30_000_000_000L;

    sealed interface Task permits Step, Generate, Work {
        CompletableFuture<?> result();
    }

    /** A forward/backward ({@code backward} true) or a forward alone of one policy's batch. */
    record Step(PolicyBatch batch, boolean backward, CompletableFuture<PolicyStepResult> result) implements Task {
    }

    record Generate(TrainingService.SampleRequest request, CompletableFuture<TrainingService.Sampled> result)
            implements Task {
    }

    record Work(Supplier<Object> work, CompletableFuture<Object> result) implements Task {
    }

    private final TrainableEngine engine;
    private final MicroBatchBudget microBatch;
    private final int maxGenerationRows;
    private final long sliceNanos;
    private final boolean interleave;
    private final ContinuousBatch batch;
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    /** Tasks submitted inside {@link #together} on this thread, queued when it returns. */
    private final ThreadLocal<List<Task>> held = new ThreadLocal<>();
    private final Thread thread;
    private boolean closed; // guarded by queue
    private boolean woken;  // guarded by queue
    private CompletableFuture<?> generating; // rows of queued generation tasks still decoding (model thread only)
    private long decodingSince;              // start of the current run of decoding iterations, 0 if none
    private volatile long mergedSteps;
    private volatile long maxPoliciesPerStep;
    private volatile long mergedGenerations;
    private volatile long maxCallsPerGeneration;
    private volatile long iterations;
    private volatile long passBoundaries;
    private volatile long yields;

    /**
     * @param inferenceSlice how long the batch may decode while a queued task waits, and at most between two
     *                       micro-batches of a step
     * @param interleave     whether steps yield to the batch between micro-batches (false: a step runs whole)
     */
    ModelExecutor(TrainableEngine engine, MicroBatchBudget microBatch, int maxGenerationRows, Duration inferenceSlice,
                  boolean interleave) {
        this.engine = engine;
        this.microBatch = microBatch;
        this.maxGenerationRows = maxGenerationRows;
        this.sliceNanos = inferenceSlice.toNanos();
        this.interleave = interleave;
        this.batch = engine.openBatch(maxGenerationRows, this::wake);
        this.thread = new Thread(this::run, "mint-model");
        thread.setDaemon(true);
        thread.start();
    }

    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Supplier<T> work) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        enqueueAll(List.of(new Work((Supplier<Object>) work, f)));
        return (CompletableFuture<T>) f;
    }

    /** Inference: the row joins the continuous batch at its next iteration, ahead of queued training work. */
    CompletableFuture<GenerationResult> serve(GenerationRequest row, TokenSink sink) {
        synchronized (queue) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException(CLOSED));
            }
        }
        return batch.submit(row, sink);
    }

    /**
     * Queues the tasks back to back, atomically: the thread takes none of them before all are queued, so a run that
     * can merge does merge. Once closed, the tasks fail with {@link #CLOSED} instead.
     */
    void enqueueAll(List<? extends Task> tasks) {
        List<Task> holding = held.get();
        if (holding != null) {
            holding.addAll(tasks);
            return;
        }
        synchronized (queue) {
            if (!closed) {
                queue.addAll(tasks);
                queue.notifyAll();
                return;
            }
        }
        tasks.forEach(t -> t.result().completeExceptionally(new IllegalStateException(CLOSED)));
    }

    /**
     * Runs {@code calls} and queues every task they submitted from this thread only when they return, back to back
     * and atomically (also when they throw: futures handed out must complete). A nested call joins the outer one.
     */
    <T> T together(Supplier<T> calls) {
        if (held.get() != null) {
            return calls.get();
        }
        List<Task> tasks = new ArrayList<>();
        held.set(tasks);
        try {
            return calls.get();
        } finally {
            held.remove();
            enqueueAll(tasks);
        }
    }

    private void wake() {
        synchronized (queue) {
            woken = true;
            queue.notifyAll();
        }
    }

    private void run() {
        long drainUntil = 0;
        try {
            while (true) {
                synchronized (queue) {
                    woken = false;
                }
                if (generating != null && generating.isDone()) {
                    generating = null;
                }
                boolean taskWaiting = generating == null && hasQueued();
                if (batch.runnable() && !(taskWaiting && sliceSpent())) {
                    decode();
                    continue;
                }
                if (taskWaiting) {
                    runTask(takeRun());
                    decodingSince = 0;
                    continue;
                }
                synchronized (queue) {
                    if (closed && queue.isEmpty() && generating == null) {
                        if (drainUntil == 0) {
                            drainUntil = System.nanoTime() + CLOSE_DRAIN_NANOS;
                        }
                        if (batch.pending() == 0 || System.nanoTime() > drainUntil) {
                            break;
                        }
                    }
                    if (!woken && (queue.isEmpty() || generating != null)) {
                        queue.wait(100); // woken by a submission, a queued task or an adapter that loaded
                    }
                }
            }
        } catch (InterruptedException e) { // nobody else interrupts this thread; treat it as a close
            synchronized (queue) {
                closed = true;
            }
        } finally {
            batch.close(CLOSED);
            failPending();
        }
    }

    private boolean hasQueued() {
        synchronized (queue) {
            return !queue.isEmpty();
        }
    }

    private boolean sliceSpent() {
        return decodingSince != 0 && System.nanoTime() - decodingSince >= sliceNanos;
    }

    /** One iteration of the continuous batch. */
    private void decode() {
        if (decodingSince == 0) {
            decodingSince = System.nanoTime();
        }
        try {
            batch.step();
            iterations++;
        } catch (Throwable e) { // the batch fails its own rows; anything else must not end the thread
            LOG.warn("generation iteration failed: {}", e.toString());
        }
    }

    /** Between two micro-batches of a step: the batch decodes for up to one slice. */
    private void betweenPasses() {
        passBoundaries++;
        if (!interleave || !batch.runnable()) {
            return;
        }
        yields++;
        long start = System.nanoTime();
        while (batch.runnable() && System.nanoTime() - start < sliceNanos) {
            decode();
        }
        decodingSince = 0;
    }

    private void runTask(List<Task> run) {
        Task first = run.get(0);
        if (first instanceof Step) {
            step(run.stream().map(t -> (Step) t).toList());
        } else if (first instanceof Generate) {
            generate(run.stream().map(t -> (Generate) t).toList());
        } else {
            Work w = (Work) first;
            try {
                w.result().complete(w.work().get());
            } catch (Throwable e) { // an Error too: the caller must hear of it, and the thread must go on
                w.result().completeExceptionally(e);
            }
        }
    }

    /** The next task and those that merge with it. */
    private List<Task> takeRun() {
        synchronized (queue) {
            List<Task> run = new ArrayList<>(List.of(queue.poll()));
            if (run.get(0) instanceof Step first) {
                Set<TrainablePolicy> policies = Collections.newSetFromMap(new IdentityHashMap<>());
                policies.add(first.batch().policy());
                while (queue.peek() instanceof Step next && next.backward() == first.backward()
                        && policies.add(next.batch().policy())) {
                    run.add(queue.poll());
                }
            } else if (run.get(0) instanceof Generate first) {
                int rows = first.request().rows().size();
                while (queue.peek() instanceof Generate next
                        && rows + next.request().rows().size() <= maxGenerationRows) {
                    rows += next.request().rows().size();
                    run.add(queue.poll());
                }
            }
            return run;
        }
    }

    private void step(List<Step> run) {
        try {
            List<PolicyBatch> batches = run.stream().map(Step::batch).toList();
            List<PolicyStepResult> results = run.get(0).backward()
                    ? engine.forwardBackward(batches, microBatch, this::betweenPasses)
                    : engine.forward(batches, microBatch);
            if (run.size() > 1) { // counted before the futures complete, so a caller that waited sees it
                mergedSteps++;
            }
            maxPoliciesPerStep = Math.max(maxPoliciesPerStep, run.size());
            for (int i = 0; i < run.size(); i++) {
                run.get(i).result().complete(results.get(i));
            }
        } catch (Throwable e) { // an Error too: otherwise the thread dies and every later future hangs
            if (run.size() == 1) {
                run.get(0).result().completeExceptionally(e);
                return;
            }
            // a failed step changed no gradients: run each policy alone, so only the culprit fails
            LOG.warn("forward/backward of {} policies failed ({}); running them one by one", run.size(), e.toString());
            run.forEach(s -> step(List.of(s)));
        }
    }

    /** The calls' rows join the batch together; each call completes when its own rows are done. */
    private void generate(List<Generate> run) {
        if (run.size() > 1) {
            mergedGenerations++;
        }
        maxCallsPerGeneration = Math.max(maxCallsPerGeneration, run.size());
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (Generate g : run) {
            Policy p = g.request().policy();
            long revision = p == null ? -1 : p.revision(); // the revision these rows sample, fixed now
            List<CompletableFuture<GenerationResult>> rows = new ArrayList<>();
            g.request().rows().forEach(r -> rows.add(batch.submit(r, TokenSink.NONE)));
            CompletableFuture<Void> all = CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new));
            calls.add(all.handle((ok, error) -> {
                if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    g.result().completeExceptionally(cause);
                } else {
                    g.result().complete(new TrainingService.Sampled(rows.stream().map(CompletableFuture::join)
                            .toList(), revision));
                }
                return null;
            }));
        }
        generating = CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    /** Fails whatever is still queued once the thread stops, so that no caller waits forever. */
    private void failPending() {
        List<Task> left;
        synchronized (queue) {
            left = new ArrayList<>(queue);
            queue.clear();
        }
        left.forEach(t -> t.result().completeExceptionally(new IllegalStateException(CLOSED)));
    }

    long mergedSteps() {
        return mergedSteps;
    }

    long maxPoliciesPerStep() {
        return maxPoliciesPerStep;
    }

    long mergedGenerations() {
        return mergedGenerations;
    }

    long maxCallsPerGeneration() {
        return maxCallsPerGeneration;
    }

    /** Decoding iterations run so far. */
    long iterations() {
        return iterations;
    }

    /** Boundaries between two micro-batches of a step reached so far (where inference may run). */
    long passBoundaries() {
        return passBoundaries;
    }

    /** Times a step yielded to the batch between micro-batches. */
    long yields() {
        return yields;
    }

    /** Runs what is queued and lets running rows finish, then stops; later work fails with {@link #CLOSED}. */
    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.notifyAll();
        }
        if (Thread.currentThread() == thread) {
            return; // closed from a task: the thread drains the queue and ends by itself
        }
        try {
            thread.join(90_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failPending(); // only if the thread is stuck: nothing is left otherwise
    }
}
