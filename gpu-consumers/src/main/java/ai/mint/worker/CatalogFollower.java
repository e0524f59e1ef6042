package ai.mint.worker;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetriableDecodeException;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.CatalogEntry;
import ai.mint.events.PolicyStatus;
import ai.mint.events.RevisionInfo;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted catalog topic from its beginning on a thread of its own and keeps the latest entry of every
 * policy: its spec (reward, LoRA shape), its revisions (adapter URIs and checksums) and its serving pointer. Serving
 * reads the pointer once per request, so a pointer move switches new requests atomically while requests already
 * running finish on the revision they resolved. An entry that is bad input is skipped with a warning; one that cannot
 * be decoded because the registry is down is read again once it is back, so that no policy goes missing.
 *
 * <p>It holds every policy, so a worker uses it only when it is given no catalog query API ({@code catalog.url});
 * otherwise it looks policies up by key ({@link LookupCatalog}).
 */
public final class CatalogFollower implements PolicyCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDecoder<CatalogEntry> decoder;
    private final RetryPolicy retry;
    private final Map<String, CatalogEntry> entries = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    public CatalogFollower(KafkaClients clients, SchemaRegistryClient registry, String clientId, RetryPolicy retry) {
        this.consumer = clients.consumer(clientId, new StringDeserializer(), new ByteArrayDeserializer());
        this.decoder = EventDecoder.of(registry, CatalogEntry.class, retry);
        this.retry = retry;
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    public CatalogFollower start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            Map<TopicPartition, Long> end = assignFromTheBeginning();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!apply(r)) {
                        // the registry is down: read this record (and what follows it) again after a pause
                        consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
                        Thread.sleep(retry.maxBackoff().toMillis());
                        break;
                    }
                }
                if (!caughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("catalog follower stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Assigns every catalog partition from its beginning and returns their end offsets. A cluster that does not answer
     * yet (a broker restarting, a machine under load) is asked again: giving up would leave the worker running with a
     * catalog that never fills, refusing every policy as unknown.
     */
    private Map<TopicPartition, Long> assignFromTheBeginning() throws InterruptedException {
        while (true) {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.CATALOG.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                return consumer.endOffsets(partitions);
            } catch (RetriableException e) {
                if (!running) {
                    throw new WakeupException();
                }
                LOG.warn("catalog follower cannot read {} yet, will retry: {}", Topics.CATALOG.name(), e.toString());
                Thread.sleep(retry.maxBackoff().toMillis());
            }
        }
    }

    /** Whether the follower's thread still reads the catalog (false once closed, or if it gave up). */
    boolean following() {
        return thread.isAlive();
    }

    /** Takes in one record; false when it must be read again later (the registry could not be asked). */
    private boolean apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            entries.remove(r.key());
            return true;
        }
        DecodeResult<CatalogEntry> decoded;
        try {
            decoded = decoder.decode(r.topic(), r.key(), r.headers(), r.value());
        } catch (RetriableDecodeException e) {
            LOG.warn("catalog record at {}-{}@{} cannot be read now, will retry: {}", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
            return false;
        }
        if (decoded.ok()) {
            accept(decoded.event());
        } else {
            LOG.warn("skipping catalog record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), decoded.reason());
        }
        return true;
    }

    /** Takes in one catalog entry (from the topic; tests hand entries in directly). */
    void accept(CatalogEntry entry) {
        CatalogEntry before = entries.put(entry.getPolicyId(), entry);
        if (before == null || !java.util.Objects.equals(before.getServingRevision(), entry.getServingRevision())) {
            LOG.debug("policy {} now serves {}", entry.getPolicyId(), entry.getServingRevision());
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** Whether everything that was on the catalog topic at start has been read. */
    @Override
    public boolean caughtUp() {
        return caughtUp;
    }

    /** The policy's latest entry, if the catalog has one. */
    public Optional<CatalogEntry> entry(String policyId) {
        return Optional.ofNullable(entries.get(policyId));
    }

    /** The policy's entry at {@code minVersion} or newer, waiting up to {@code wait} for the replay to reach it. */
    @Override
    public Optional<CatalogEntry> awaitEntry(String policyId, long minVersion, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (this) {
            while (running && (entries.get(policyId) == null || entries.get(policyId).getVersion() < minVersion)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return entry(policyId);
    }

    /** The revision a request for this policy should use now: its serving pointer. */
    public Optional<String> servingRevision(String policyId) {
        return entry(policyId).map(CatalogEntry::getServingRevision);
    }

    @Override
    public Optional<RevisionInfo> revision(String policyId, String revision) {
        return entry(policyId).flatMap(e -> e.getRevisions().stream()
                .filter(r -> r.getRevision().equals(revision)).findFirst());
    }

    public boolean isActive(String policyId) {
        return entry(policyId).map(e -> e.getSpec().getStatus() == PolicyStatus.ACTIVE).orElse(false);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
