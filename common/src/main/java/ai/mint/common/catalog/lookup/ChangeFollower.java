package ai.mint.common.catalog.lookup;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventDeserializer;
import ai.mint.topics.Topics;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a lookup cache fresh from the catalog's compacted topics: reads {@code mint.catalog} and
 * {@code mint.catalog.revisions} from their end (nothing is replayed, so memory does not grow with the catalog) on a
 * thread of its own, and hands each change of a key that is cached to the cache; the rest is skipped without decoding.
 */
final class ChangeFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroEventDeserializer<CatalogEntry> entries;
    private final AvroEventDeserializer<CatalogRevision> revisions;
    private final VersionedCache<CatalogEntry> entryCache;
    private final VersionedCache<CatalogRevision> revisionCache;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long changesSeen;

    ChangeFollower(KafkaClients clients, SchemaRegistryClient registry, String clientId,
                   VersionedCache<CatalogEntry> entryCache, VersionedCache<CatalogRevision> revisionCache) {
        this.consumer = clients.consumer(clientId, new StringDeserializer(), new ByteArrayDeserializer());
        this.entries = new AvroEventDeserializer<>(registry, CatalogEntry.class);
        this.revisions = new AvroEventDeserializer<>(registry, CatalogRevision.class);
        this.entryCache = entryCache;
        this.revisionCache = revisionCache;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.CATALOG.name(), Topics.CATALOG_REVISIONS.name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start now: nothing committed after this is missed
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    changesSeen++;
                    if (r.key() == null || r.value() == null) {
                        continue;
                    }
                    try {
                        apply(r);
                    } catch (RuntimeException e) {
                        LOG.warn("skipping catalog change {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("catalog change follower stopped; the lookup cache now refreshes only by age: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.topic().equals(Topics.CATALOG.name())) {
            if (entryCache.contains(r.key())) {
                CatalogEntry entry = entries.deserialize(r.topic(), r.value());
                entryCache.offerIfPresent(r.key(), entry, entry.getVersion());
            }
        } else if (revisionCache.contains(r.key())) {
            CatalogRevision revision = revisions.deserialize(r.topic(), r.value());
            revisionCache.offerIfPresent(r.key(), revision, revision.getEntryVersion());
        }
    }

    /** Records read from the catalog topics so far (decoded or skipped). */
    long changesSeen() {
        return changesSeen;
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
