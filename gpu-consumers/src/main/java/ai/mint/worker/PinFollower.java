package ai.mint.worker;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetriableDecodeException;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.AdapterPin;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.Topics;
import java.time.Duration;
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
 * Reads the compacted pins topic from its beginning on a thread of its own (every serving worker keeps every pin, so
 * there is no consumer group) and hands each decision to a {@link PinHandler}, publishing its result. A record that is
 * bad input is skipped with a warning; one that cannot be decoded while the registry is down is read again later.
 */
public final class PinFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PinFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDecoder<AdapterPin> decoder;
    private final RetryPolicy retry;
    private final PinHandler handler;
    private final WorkerOutputs outputs;
    private final Thread thread;
    private volatile boolean running = true;

    public PinFollower(KafkaClients clients, SchemaRegistryClient registry, String clientId, RetryPolicy retry,
                       PinHandler handler, WorkerOutputs outputs) {
        this.consumer = clients.consumer(clientId, new StringDeserializer(), new ByteArrayDeserializer());
        this.decoder = EventDecoder.of(registry, AdapterPin.class, retry);
        this.retry = retry;
        this.handler = handler;
        this.outputs = outputs;
        this.thread = new Thread(this::follow, clientId);
        this.thread.setDaemon(true);
    }

    public PinFollower start() {
        thread.start();
        return this;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ADAPTER_PINS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!take(r)) {
                        consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
                        Thread.sleep(retry.maxBackoff().toMillis());
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("pin follower stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Applies one record; false when it must be read again (the registry could not be asked). */
    private boolean take(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return true; // a tombstone: nothing was pinned under that key any more
        }
        DecodeResult<AdapterPin> decoded;
        try {
            decoded = decoder.decode(r.topic(), r.key(), r.headers(), r.value());
        } catch (RetriableDecodeException e) {
            LOG.warn("pin at {}-{}@{} cannot be read now, will retry: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            return false;
        }
        if (!decoded.ok()) {
            LOG.warn("skipping pin at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), decoded.reason());
            return true;
        }
        handler.apply(decoded.event()).thenAccept(reply -> outputs.sendAsync(reply.topic(), reply.key(),
                reply.event()).exceptionally(e -> {
                    LOG.warn("pin result not sent: {}", e.toString());
                    return null;
                }));
        return true;
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
