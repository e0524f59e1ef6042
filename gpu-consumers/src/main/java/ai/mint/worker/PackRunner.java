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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off from the pack intake to the inference path. Packs wait in arrival order; the runner's thread takes as
 * many as fill one generation batch (packs of different adapters share it), hands their requests to the
 * {@link InferenceProcessor}, which answers every one of them, and then reports each pack done on
 * {@link Topics#WORK_DONE}, so that the scheduler frees this worker's queue and never sends those requests again.
 * Answers go out before the report: a worker that dies between the two has its pack re-sent, and the client drops the
 * second answer by request id.
 */
public final class PackRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PackRunner.class);

    private record Taken(WorkItem pack, ConsumerRecord<String, byte[]> source) {
    }

    private final InferenceProcessor inference;
    private final WorkerOutputs outputs;
    private final String workerId;
    private final String instance;
    private final int maxBatch;
    private final Duration retryBackoff;
    private final BlockingQueue<Taken> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger requestsInHand = new AtomicInteger();
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

    /**
     * @param maxBatch     most requests answered together (packs are not split: a larger pack runs alone)
     * @param retryBackoff pause before a batch whose answers could not be published is tried again
     */
    public PackRunner(InferenceProcessor inference, WorkerOutputs outputs, String workerId, String instance,
                      int maxBatch, Duration retryBackoff) {
        this.inference = inference;
        this.outputs = outputs;
        this.workerId = workerId;
        this.instance = instance;
        this.maxBatch = maxBatch;
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
            List<Taken> batch;
            try {
                batch = next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch.isEmpty()) {
                if (draining) {
                    return;
                }
                continue;
            }
            while (running && !answer(batch)) {
                try {
                    Thread.sleep(retryBackoff.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The oldest pack and those after it that fit one batch with it. */
    private List<Taken> next() throws InterruptedException {
        Taken first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
            return List.of();
        }
        List<Taken> batch = new ArrayList<>(List.of(first));
        int rows = first.pack().getRequests().size();
        for (Taken next = queue.peek(); next != null && rows + next.pack().getRequests().size() <= maxBatch;
             next = queue.peek()) {
            batch.add(queue.poll());
            rows += next.pack().getRequests().size();
        }
        return batch;
    }

    /** Answers a batch and reports its packs done; false when publishing failed (tried again after a pause). */
    private boolean answer(List<Taken> batch) {
        List<InferenceProcessor.Incoming> incoming = new ArrayList<>();
        for (Taken t : batch) {
            for (InferenceRequest q : t.pack().getRequests()) {
                incoming.add(new InferenceProcessor.Incoming(q, t.source()));
            }
        }
        try {
            inference.answer(incoming);
            List<Future<RecordMetadata>> reports = new ArrayList<>(batch.size());
            for (Taken t : batch) {
                reports.add(outputs.send(Topics.WORK_DONE.name(), t.pack().getPolicyId(), done(t.pack())));
            }
            outputs.flush();
            for (Future<RecordMetadata> f : reports) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException | ExecutionException e) {
            LOG.error("{}: packs {} not answered, trying again{}: {}", workerId,
                    batch.stream().map(t -> t.pack().getPackId()).toList(),
                    Failures.isRetriable(e) ? " (registry unavailable)" : "", e.toString(), e);
            return false;
        }
        batch.forEach(t -> {
            answered.add(t.pack().getPackId());
            requestsInHand.addAndGet(-t.pack().getRequests().size());
        });
        return true;
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
