package ai.mint.gateway.kafka;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetriableDecodeException;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.gateway.openai.ApiError;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's request/reply over Kafka: publishes inference requests that name this instance's own reply topic,
 * reads only that topic (from its end, on a thread of its own) and completes each request's future with its reply.
 * So N gateways never read each other's responses. At most {@code maxPending} requests are in flight; one more is
 * refused at once (a 429), and a request without a reply after the timeout fails with a 504. A reply that comes
 * later, or twice (a worker redelivered its work), finds no request and is dropped. A reply that cannot be decoded
 * because the registry is down is read again once it is back.
 */
public final class InferenceBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceBridge.class);

    private final String replyTopic;
    private final Duration timeout;
    private final Semaphore permits;
    private final int maxPending;
    private final Map<String, CompletableFuture<InferenceResponse>> pending = new ConcurrentHashMap<>();
    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDecoder<InferenceResponse> decoder;
    private final Thread reader;
    private volatile boolean running = true;

    /**
     * Creates the reply topic if needed and starts reading it from its end.
     *
     * @param instanceId this gateway's stable id; its reply topic is {@link Topics#inferenceReplies}
     * @param lingerMs   how long the producer waits to put concurrent requests into one batch (0: none)
     */
    public InferenceBridge(KafkaClients clients, SchemaRegistryClient registry, String instanceId, RetryPolicy retry,
                           int maxPending, Duration timeout, int lingerMs, ServiceMetrics metrics) {
        TopicSpec topic = Topics.inferenceReplies(instanceId);
        this.replyTopic = topic.name();
        this.timeout = timeout;
        this.maxPending = maxPending;
        this.permits = new Semaphore(maxPending);
        ReplyTopic.ensure(clients, topic);
        this.producer = clients.producer("mint-gateway-" + instanceId, new StringSerializer(),
                new AvroEventSerializer<>(registry), Map.of(ProducerConfig.LINGER_MS_CONFIG, lingerMs));
        this.consumer = clients.consumer("mint-gateway-" + instanceId + "-replies", new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(replyTopic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(replyTopic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixed now, so no reply to a later request can be missed
        this.decoder = EventDecoder.of(registry, InferenceResponse.class, retry);
        metrics.bindKafkaClient(producer);
        metrics.bindKafkaClient(consumer);
        this.reader = new Thread(this::read, "mint-gateway-replies");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** The topic this gateway's requests are answered on. */
    public String replyTopic() {
        return replyTopic;
    }

    /** Requests sent and not yet answered or timed out. */
    public int inFlight() {
        return maxPending - permits.availablePermits();
    }

    /**
     * Publishes {@code requests} (all or none) with this gateway's reply topic; each future completes with the reply,
     * or fails with an {@link ApiError} (504 after the timeout, 503 when Kafka refuses the request).
     *
     * @throws ApiError 429 when fewer than {@code requests.size()} places are free
     */
    public List<CompletableFuture<InferenceResponse>> submit(List<InferenceRequest> requests) {
        if (!permits.tryAcquire(requests.size())) {
            throw ApiError.queueFull("The gateway holds " + inFlight() + " of at most " + maxPending + " requests in"
                    + " flight; retry later");
        }
        List<CompletableFuture<InferenceResponse>> futures = new ArrayList<>(requests.size());
        for (InferenceRequest request : requests) {
            InferenceRequest addressed = InferenceRequest.newBuilder(request).setReplyTopic(replyTopic).build();
            String id = addressed.getRequestId();
            CompletableFuture<InferenceResponse> reply = new CompletableFuture<>();
            pending.put(id, reply); // before sending, so that the reply cannot come first
            reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
                pending.remove(id);
                permits.release();
            });
            futures.add(reply.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                    e instanceof TimeoutException ? ApiError.timeout("No worker answered within "
                            + timeout.toSeconds() + " s; are workers with the inference role running?") : e)));
            try {
                producer.send(new ProducerRecord<>(Topics.INFERENCE_REQUESTS.name(), addressed.getPolicyId(),
                        addressed), (metadata, error) -> {
                            if (error != null) {
                                reply.completeExceptionally(notSent(error));
                            }
                        });
            } catch (RuntimeException e) {
                reply.completeExceptionally(notSent(e)); // e.g. the registry is down while serializing
            }
        }
        return futures;
    }

    /**
     * Publishes one event that needs no reply (feedback) on this gateway's producer; the future completes once the
     * broker has it, or fails with a 503 {@link ApiError} when Kafka (or the registry) refuses it.
     */
    public CompletableFuture<Void> publish(String topic, String key, SpecificRecord event) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, event), (metadata, error) -> {
                if (error != null) {
                    sent.completeExceptionally(notSent(error));
                } else {
                    sent.complete(null);
                }
            });
        } catch (RuntimeException e) {
            sent.completeExceptionally(notSent(e));
        }
        return sent;
    }

    private static ApiError notSent(Throwable error) {
        return ApiError.unavailable("kafka_unavailable", "Cannot publish the request to Kafka: " + error.getMessage());
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (!take(record)) {
                        // the registry is down: read this record (and what follows it) again after a pause
                        consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                        Thread.sleep(RetryPolicy.DEFAULT.maxBackoff().toMillis());
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the reply reader of {} stopped: {}", replyTopic, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Completes the request a reply answers; false when it must be read again (the registry is down). */
    private boolean take(ConsumerRecord<String, byte[]> record) {
        DecodeResult<InferenceResponse> decoded;
        try {
            decoded = decoder.decode(record.topic(), record.key(), record.headers(), record.value());
        } catch (RetriableDecodeException e) {
            LOG.warn("reply {}-{}@{} cannot be read now, will retry: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return false;
        }
        if (!decoded.ok()) {
            LOG.warn("skipping reply {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    decoded.reason());
            return true;
        }
        CompletableFuture<InferenceResponse> future = pending.get(decoded.event().getRequestId());
        if (future != null) {
            future.complete(decoded.event());
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        pending.values().forEach(f -> f.completeExceptionally(ApiError.unavailable("shutting_down",
                "The gateway is shutting down")));
    }
}
