package ai.mint.worker;

import ai.mint.common.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer-group member on a thread of its own: polls its request topics as raw bytes (so that a record that does
 * not decode becomes a dead letter instead of a poll that throws), hands each poll's records to a processor, and
 * commits offsets once the processor has published every result. Work is therefore done at least once; the handlers
 * make a repeat harmless (derived event ids, saved update results).
 *
 * <p>A processor may finish a poll later ({@link AsyncProcessor}): the loop then keeps polling while earlier polls
 * are still being answered (inference: new requests join the running batch), up to {@code maxInFlight} records taken
 * and not finished, and commits each partition only up to the oldest poll not finished, so a crash loses nothing. A
 * poll that fails (broker or disk trouble, never bad input) is taken again, with everything after it, from the last
 * commit.
 */
public final class RequestLoop implements AutoCloseable {

    /** Processes one poll; the future completes once every result of the poll is published. */
    @FunctionalInterface
    public interface AsyncProcessor {
        CompletableFuture<?> process(List<ConsumerRecord<String, byte[]>> batch);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RequestLoop.class);
    private static final long REVOKE_WAIT_MS = 60_000;

    /** A poll being processed: where each of its partitions may be committed to once it is done. */
    private record InFlight(Map<TopicPartition, OffsetAndMetadata> offsets, CompletableFuture<?> done, int records) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final AsyncProcessor processor;
    private final int maxInFlight;
    private final Collection<String> topics;
    private final Thread thread;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile boolean aborted;
    private volatile int queueDepth;
    private Duration pollTimeout = Duration.ofMillis(200);
    private Duration retryBackoff = Duration.ofSeconds(1);

    /** A loop whose processor finishes each poll before it returns (one poll at a time). */
    public RequestLoop(String name, KafkaClients clients, String groupId, String clientId, Collection<String> topics,
                       int maxPollRecords, Consumer<List<ConsumerRecord<String, byte[]>>> processor) {
        this(name, clients, groupId, clientId, topics, maxPollRecords, 1, batch -> {
            processor.accept(batch);
            return CompletableFuture.completedFuture(null);
        });
    }

    /** A loop that keeps up to {@code maxInFlight} records being processed while it polls for more. */
    public RequestLoop(String name, KafkaClients clients, String groupId, String clientId, Collection<String> topics,
                       int maxPollRecords, int maxInFlight, AsyncProcessor processor) {
        this.consumer = clients.consumer(clientId, new StringDeserializer(), new ByteArrayDeserializer(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                // one training step of a large batch may take minutes on a CPU
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 900_000));
        this.topics = List.copyOf(topics);
        this.processor = processor;
        this.maxInFlight = maxInFlight;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** How long one poll waits for records, and the pause before a failed poll is taken again; before start. */
    public RequestLoop timing(Duration pollTimeout, Duration retryBackoff) {
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
        return this;
    }

    public RequestLoop start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // what was taken from them must be answered and committed before another member takes over
                    awaitInFlight(REVOKE_WAIT_MS);
                    commitFinished();
                    if (!inFlight.isEmpty()) { // still not answered: the next owner answers them again
                        LOG.warn("{}: {} records still in flight while giving up partitions", thread.getName(),
                                inFlightRecords());
                        inFlight.clear();
                    }
                    LOG.info("{} gives up {}", thread.getName(), partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.info("{} now owns {}", thread.getName(), partitions);
                }
            });
            while (running) {
                if (!commitFinished()) {
                    Thread.sleep(retryBackoff.toMillis());
                    continue;
                }
                if (inFlightRecords() >= maxInFlight) {
                    // full: stay in the group (poll) without fetching until the oldest poll is answered
                    consumer.pause(consumer.assignment());
                    awaitOldest(pollTimeout);
                    consumer.poll(Duration.ZERO);
                    continue;
                }
                consumer.resume(consumer.paused());
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : records) {
                    batch.add(r);
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                CompletableFuture<?> done;
                try {
                    done = processor.process(batch);
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    done = CompletableFuture.failedFuture(e);
                }
                inFlight.add(new InFlight(offsets, done, batch.size()));
                queueDepth = inFlightRecords();
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{} stopped: {}", thread.getName(), e.toString(), e);
        } finally {
            try {
                if (!aborted) {
                    awaitInFlight(REVOKE_WAIT_MS);
                    commitFinished();
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: last commit failed: {}", thread.getName(), e.toString());
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }
    }

    /**
     * Commits the polls that are done, oldest first, up to the first one that is not. If the oldest failed, waits for
     * the rest, rewinds to the last commit and returns false (the caller pauses before polling again).
     */
    private boolean commitFinished() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        InFlight failed = null;
        while (!inFlight.isEmpty() && inFlight.peek().done().isDone()) {
            InFlight head = inFlight.peek();
            if (head.done().isCompletedExceptionally()) {
                failed = head;
                break;
            }
            inFlight.poll();
            commit.putAll(head.offsets()); // later polls carry later offsets of the same partition
        }
        if (!commit.isEmpty()) {
            consumer.commitSync(commit);
        }
        queueDepth = inFlightRecords();
        if (failed == null) {
            return true;
        }
        Throwable cause = failed.done().handle((ok, e) -> e).join();
        // not the input's fault (bad input is answered and dead-lettered): broker or disk trouble.
        // Take the batch again from the last commit after a pause, rather than stop taking work.
        LOG.error("{}: batch failed, retrying from the last commit: {}", thread.getName(), cause.toString(), cause);
        awaitInFlight(REVOKE_WAIT_MS);
        inFlight.clear();
        queueDepth = 0;
        rewindToCommitted();
        return false;
    }

    private int inFlightRecords() {
        int n = 0;
        for (InFlight f : inFlight) {
            n += f.records();
        }
        return n;
    }

    private void awaitOldest(Duration timeout) {
        InFlight head = inFlight.peek();
        if (head != null) {
            try {
                head.done().handle((ok, e) -> null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not done yet: poll to stay in the group, then look again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitInFlight(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (InFlight f : inFlight) {
            long left = deadline - System.currentTimeMillis();
            try {
                f.done().handle((ok, e) -> null).get(Math.max(1, left), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void rewindToCommitted() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition p : assigned) {
            OffsetAndMetadata at = committed.get(p);
            if (at != null) {
                consumer.seek(p, at);
            } else {
                consumer.seekToBeginning(List.of(p));
            }
        }
    }

    /** Binds this loop's consumer metrics (its lag among them) to {@code metrics}. */
    public void bindMetrics(ai.mint.common.metrics.ServiceMetrics metrics) {
        metrics.bindKafkaClient(consumer);
    }

    /** Records taken and not finished yet (their answers not all published). */
    public int queueDepth() {
        return queueDepth;
    }

    /** Stops after the batch in hand: its results are published and its offsets committed. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            consumer.wakeup();
        }
    }

    /** Stops at once without committing what is in hand, as a crash would (tests of redelivery). */
    public void abort() {
        aborted = true;
        running = false;
        consumer.wakeup();
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
