package ai.mint.training.service;

import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.PolicyStepResult;
import ai.mint.engine.TrainableEngine;
import ai.mint.engine.TrainablePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The thread behind a {@link TrainingService}: a queue of tasks run in order, where a run of forward/backward tasks
 * (or of forward-only tasks) of distinct policies becomes one K-policy step and a run of generation tasks becomes one generation batch. Every
 * queued future completes: with its result, its task's failure, or {@link #CLOSED}.
 */
final class ModelThread implements AutoCloseable {

    static final String CLOSED = "training service closed";
    private static final Logger LOG = LoggerFactory.getLogger(ModelThread.class);

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
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private final Thread thread;
    private boolean closed; // guarded by queue
    private volatile long mergedSteps;
    private volatile long maxPoliciesPerStep;
    private volatile long mergedGenerations;
    private volatile long maxCallsPerGeneration;

    ModelThread(TrainableEngine engine, MicroBatchBudget microBatch, int maxGenerationRows) {
        this.engine = engine;
        this.microBatch = microBatch;
        this.maxGenerationRows = maxGenerationRows;
        this.thread = new Thread(this::run, "mint-training");
        thread.setDaemon(true);
        thread.start();
    }

    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Supplier<T> work) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        enqueueAll(List.of(new Work((Supplier<Object>) work, f)));
        return (CompletableFuture<T>) f;
    }

    /**
     * Queues the tasks back to back, atomically: the thread takes none of them before all are queued, so a run that
     * can merge does merge. Once closed, the tasks fail with {@link #CLOSED} instead.
     */
    void enqueueAll(List<? extends Task> tasks) {
        synchronized (queue) {
            if (!closed) {
                queue.addAll(tasks);
                queue.notifyAll();
                return;
            }
        }
        tasks.forEach(t -> t.result().completeExceptionally(new IllegalStateException(CLOSED)));
    }

    private void run() {
        while (true) {
            List<Task> run;
            try {
                run = takeRun();
            } catch (InterruptedException e) { // nobody else interrupts this thread; treat it as a close
                synchronized (queue) {
                    closed = true;
                }
                failPending();
                return;
            }
            if (run == null) {
                return;
            }
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
    }

    /** The next task and those that merge with it; null once closed and drained. */
    private List<Task> takeRun() throws InterruptedException {
        synchronized (queue) {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                queue.wait();
            }
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
            List<PolicyStepResult> results = run.get(0).backward() ? engine.forwardBackward(batches, microBatch)
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

    private void generate(List<Generate> run) {
        try {
            List<GenerationRequest> rows = new ArrayList<>();
            run.forEach(g -> rows.addAll(g.request().rows()));
            List<GenerationResult> all = engine.generate(rows);
            if (run.size() > 1) {
                mergedGenerations++;
            }
            maxCallsPerGeneration = Math.max(maxCallsPerGeneration, run.size());
            int from = 0;
            for (Generate g : run) {
                int n = g.request().rows().size();
                Policy p = g.request().policy();
                g.result().complete(new TrainingService.Sampled(List.copyOf(all.subList(from, from + n)),
                        p == null ? -1 : p.revision()));
                from += n;
            }
        } catch (Throwable e) {
            if (run.size() == 1) {
                run.get(0).result().completeExceptionally(e);
                return;
            }
            LOG.warn("generation batch of {} calls failed ({}); running them one by one", run.size(), e.toString());
            run.forEach(g -> generate(List.of(g)));
        }
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

    /** Runs what is queued, then stops; later tasks fail with {@link #CLOSED}. Idempotent. */
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
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failPending(); // only if the thread is stuck: nothing is left otherwise
    }
}
