package ai.mint.training.local;

import ai.mint.engine.model.DecoderModel;
import ai.mint.training.step.MultiPolicyStep;
import ai.mint.training.step.PolicyBatch;
import ai.mint.training.step.PolicyState;
import ai.mint.training.step.PolicyStepResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Supplier;

/**
 * The one thread that touches the model for a local service. Work runs in submission order, except that
 * forward/backward requests waiting back to back for different policies are merged into ONE multi-policy step (one
 * batched forward/backward): this is how clients of several policies share a step without knowing of each other.
 * One thread also respects PyTorch's one-gradient-collector-per-process rule.
 */
final class TrainerWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerWorker.class);
    static final String CLOSED = "service closed";

    private sealed interface Task permits ForwardBackward, Other, Stop {
    }

    private record ForwardBackward(PolicyBatch batch, CompletableFuture<PolicyStepResult> result) implements Task {
    }

    private record Other(Supplier<Object> work, CompletableFuture<Object> result) implements Task {
    }

    private record Stop() implements Task {
    }

    private final DecoderModel model;
    private final BlockingDeque<Task> queue = new LinkedBlockingDeque<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile long mergedSteps;
    private volatile long maxPoliciesPerStep;

    TrainerWorker(DecoderModel model) {
        this.model = model;
        this.thread = new Thread(this::run, "mint-trainer");
        thread.setDaemon(true);
        thread.start();
    }

    CompletableFuture<PolicyStepResult> forwardBackward(PolicyBatch batch) {
        CompletableFuture<PolicyStepResult> f = new CompletableFuture<>();
        enqueue(new ForwardBackward(batch, f), f);
        return f;
    }

    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Supplier<T> work) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        enqueue(new Other((Supplier<Object>) work, f), f);
        return (CompletableFuture<T>) f;
    }

    /**
     * Queues a task unless the worker is closed. The check and the add hold the same lock as {@link #close()}'s
     * Stop, so no task can land behind the Stop, where nothing would ever complete it.
     */
    private void enqueue(Task task, CompletableFuture<?> result) {
        synchronized (queue) {
            if (!closed) {
                queue.add(task);
                return;
            }
        }
        result.completeExceptionally(new IllegalStateException(CLOSED));
    }

    /** Steps that merged more than one policy, and the most policies one step held (for tests and metrics). */
    long mergedSteps() {
        return mergedSteps;
    }

    long maxPoliciesPerStep() {
        return maxPoliciesPerStep;
    }

    private void run() {
        while (true) {
            Task task;
            try {
                task = queue.take();
            } catch (InterruptedException e) { // nobody else interrupts this thread; treat it as a close
                synchronized (queue) {
                    closed = true;
                }
                failPending();
                return;
            }
            if (task instanceof Stop) {
                failPending();
                return;
            }
            if (task instanceof Other o) {
                try {
                    o.result().complete(o.work().get());
                } catch (Throwable e) { // an Error too: the caller must hear of it, and the worker must go on
                    o.result().completeExceptionally(e);
                }
                continue;
            }
            runMerged((ForwardBackward) task);
        }
    }

    /** Fails whatever is still queued once the worker stops, so that no caller waits forever. */
    private void failPending() {
        for (Task left; (left = queue.poll()) != null; ) {
            CompletableFuture<?> result = left instanceof ForwardBackward fb ? fb.result()
                    : left instanceof Other o ? o.result() : null;
            if (result != null) {
                result.completeExceptionally(new IllegalStateException(CLOSED));
            }
        }
    }

    private void runMerged(ForwardBackward first) {
        List<ForwardBackward> merged = new ArrayList<>(List.of(first));
        Set<PolicyState> policies = new HashSet<>(Set.of(first.batch().policy()));
        while (queue.peekFirst() instanceof ForwardBackward next && policies.add(next.batch().policy())) {
            merged.add((ForwardBackward) queue.pollFirst());
        }
        try {
            List<PolicyStepResult> results =
                    MultiPolicyStep.forwardBackward(model, merged.stream().map(ForwardBackward::batch).toList());
            if (merged.size() > 1) { // counted before the futures complete, so a caller that waited sees it
                mergedSteps++;
            }
            maxPoliciesPerStep = Math.max(maxPoliciesPerStep, merged.size());
            for (int i = 0; i < merged.size(); i++) {
                merged.get(i).result().complete(results.get(i));
            }
        } catch (Throwable e) { // an Error too: otherwise the thread dies and every later future hangs
            LOG.warn("forward/backward of {} policies failed: {}", merged.size(), e.toString());
            merged.forEach(m -> m.result().completeExceptionally(e));
        }
    }

    /** Runs {@code work} on the worker thread and waits for it (setup and teardown). */
    <T> T call(Supplier<T> work) {
        return this.<T>submit(work).join();
    }

    /**
     * Stops the worker after the tasks queued so far; later submissions, and anything still queued if the thread is
     * gone, fail with "service closed". Idempotent.
     */
    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(new Stop());
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
