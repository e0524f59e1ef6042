package ai.mint.worker;

import ai.mint.common.decode.Failures;
import ai.mint.common.ids.EventIds;
import ai.mint.events.InferenceRequest;
import ai.mint.events.PackDone;
import ai.mint.events.WorkItem;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off from the pack intake to the inference path. The runner's thread takes packs in arrival order and hands
 * each pack's requests to the {@link InferenceProcessor} at once: they join the model thread's continuous batch beside
 * whatever is decoding (packs of different adapters share it; a short request leaves as soon as it is done). When
 * every answer of a pack is published, the pack is reported done on {@link Topics#WORK_DONE}, so that the scheduler
 * frees this worker's queue and never sends those requests again. Answers go out before the report: a worker that
 * dies between the two has its pack re-sent, and the client drops the second answer by request id. A pack whose
 * answers could not be published is answered again after a pause.
 */
public final class PackRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PackRunner.class);

    private record Taken(WorkItem pack, ConsumerRecord<String, byte[]> source) {
    }

    private final InferenceProcessor inference;
    private final WorkerOutputs outputs;
    private final String workerId;
    private final String instance;
    private final Duration retryBackoff;
    /** Packs received, and packs to answer again after a failed attempt. */
    private final BlockingQueue<Taken> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger requestsInHand = new AtomicInteger();
    /** Packs handed to the inference path and not reported done yet. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Ids of packs answered lately (bounded), so that a load that comes too late for its pack can be skipped. */
    private final Set<String> answered = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                }
            }));
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean draining;

    /** @param retryBackoff pause before a pack whose answers could not be published is answered again */
    public PackRunner(InferenceProcessor inference, WorkerOutputs outputs, String workerId, String instance,
                      Duration retryBackoff) {
        this.inference = inference;
        this.outputs = outputs;
        this.workerId = workerId;
        this.instance = instance;
        this.retryBackoff = retryBackoff;
        this.thread = new Thread(this::run, workerId + "-packs");
        this.thread.setDaemon(true);
    }

    public PackRunner start() {
        thread.start();
        return this;
    }

    /** Queues a pack; its requests count in the worker's queue depth until they are answered. */
    public void submit(WorkItem pack, ConsumerRecord<String, byte[]> source) {
        requestsInHand.addAndGet(pack.getRequests().size());
        queue.add(new Taken(pack, source));
    }

    /** Whether the pack was answered (lately: the last 10,000 packs are remembered). */
    public boolean answered(String packId) {
        return answered.contains(packId);
    }

    /** Requests received in packs and not answered yet. */
    public int queueDepth() {
        return requestsInHand.get();
    }

    private void run() {
        while (running) {
            Taken next;
            try {
                next = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == null) {
                if (draining && inFlight.isEmpty()) {
                    return;
                }
                continue;
            }
            hand(next);
        }
    }

    /** Hands one pack's requests to the inference path; its report follows once all its answers are out. */
    private void hand(Taken t) {
        List<InferenceProcessor.Incoming> incoming = new ArrayList<>(t.pack().getRequests().size());
        for (InferenceRequest q : t.pack().getRequests()) {
            incoming.add(new InferenceProcessor.Incoming(q, t.source()));
        }
        inFlight.add(t.pack().getPackId());
        CompletableFuture<?> answers;
        try {
            answers = inference.answer(incoming);
        } catch (RuntimeException e) { // the registry or the broker is down while resolving
            answers = CompletableFuture.failedFuture(e);
        }
        answers.thenCompose(v -> outputs.sendAsync(Topics.WORK_DONE.name(), t.pack().getPolicyId(), done(t.pack())))
                .whenComplete((v, error) -> {
                    if (error == null) {
                        answered.add(t.pack().getPackId());
                        requestsInHand.addAndGet(-t.pack().getRequests().size());
                        inFlight.remove(t.pack().getPackId());
                    } else {
                        retryLater(t, error);
                    }
                });
    }

    private void retryLater(Taken t, Throwable error) {
        LOG.error("{}: pack {} not answered, trying again in {} ms{}: {}", workerId, t.pack().getPackId(),
                retryBackoff.toMillis(), Failures.isRetriable(error) ? " (registry unavailable)" : "",
                error.toString());
        CompletableFuture.delayedExecutor(retryBackoff.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (running) {
                queue.add(t); // still in flight: the drain waits for it
            } else {
                inFlight.remove(t.pack().getPackId());
            }
        });
    }

    private PackDone done(WorkItem pack) {
        return PackDone.newBuilder()
                .setEventId(EventIds.derived(pack.getPackId() + "/" + instance, "pack-done"))
                .setPolicyId(pack.getPolicyId()).setTime(Instant.now()).setPackId(pack.getPackId())
                .setWorkerId(workerId).setWorkerInstance(instance)
                .setRequestIds(pack.getRequests().stream().map(InferenceRequest::getRequestId).toList()).build();
    }

    /** Answers every pack taken so far, then stops (a worker that stops on purpose leaves nothing half done). */
    public void drainAndStop(Duration timeout) {
        draining = true;
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{}: {} requests still in hand after {} s; the scheduler sends them elsewhere", workerId,
                    queueDepth(), timeout.toSeconds());
            close();
        }
    }

    /** Stops at once; what is queued is not answered (the scheduler takes it back). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
