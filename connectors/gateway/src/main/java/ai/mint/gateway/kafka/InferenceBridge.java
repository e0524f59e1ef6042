package ai.mint.gateway.kafka;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetriableDecodeException;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.common.kafka.ReplyTopics;
import ai.mint.common.metrics.ServiceMetrics;
import ai.mint.events.InferenceChunk;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.gateway.openai.ApiError;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Tenant;
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
 * The gateway's request/reply over Kafka: publishes inference requests on its {@link Route}'s request topic, naming
 * the route's reply topic, reads only that topic (from its end, on a thread of its own, without a consumer group) and
 * completes each request's future with its reply. On the shared route each instance has a reply topic of its own, so
 * N gateways never read each other's responses; on a tenant's route ({@link Route#tenant}) the bridge's clients are
 * the tenant's principal and the broker lets them touch only that tenant's topics. A streamed request's chunks come on the same topic, before its
 * response (the schema id tells them apart), and go to the request's chunk listener. At most {@code maxPending} requests are in flight; one more is
 * refused at once (a 429), and a request without a reply after the timeout fails with a 504. A reply that comes
 * later, or twice (a worker redelivered its work), finds no request and is dropped. A reply that cannot be decoded
 * because the registry is down is read again once it is back.
 */
public final class InferenceBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceBridge.class);

    private final String requestTopic;
    private final String replyTopic;
    private final Duration timeout;
    private final Semaphore permits;
    private final int maxPending;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDecoder<SpecificRecord> decoder;
    private final Thread reader;
    private volatile boolean running = true;

    /**
     * Where a bridge sends its requests and reads their answers.
     *
     * @param requestTopic  the topic the scheduler takes the requests from
     * @param replyTopic    the topic the answers come on
     * @param createReplies whether the bridge creates the reply topic (a tenant may not create topics: its own exist)
     * @param clientId      the prefix of the bridge's Kafka client ids
     */
    public record Route(String requestTopic, TopicSpec replyTopic, boolean createReplies, String clientId) {

        /** The shared request topic, answered on this instance's own reply topic {@link Topics#inferenceReplies}. */
        public static Route shared(String instanceId) {
            return new Route(Topics.INFERENCE_REQUESTS.name(), Topics.inferenceReplies(instanceId), true,
                    "mint-gateway-" + instanceId);
        }

        /**
         * The tenant's own request topic, answered on its own responses topic (where the scheduler sends every answer
         * to a tenant's request, whatever reply topic the request names; other clients of the tenant read it too, so
         * answers to requests of others are dropped as unknown).
         */
        public static Route tenant(Tenant tenant, String instanceId) {
            return new Route(tenant.topic(Tenant.Kind.INFERENCE_REQUESTS), tenant.spec(Tenant.Kind.INFERENCE_RESPONSES),
                    false, "mint-gateway-" + instanceId + "-" + tenant.name());
        }
    }

    /**
     * Creates the reply topic if the route says so and starts reading it from its end.
     *
     * @param lingerMs how long the producer waits to put concurrent requests into one batch (0: none)
     */
    public InferenceBridge(KafkaClients clients, SchemaRegistryClient registry, Route route, RetryPolicy retry,
                           int maxPending, Duration timeout, int lingerMs, ServiceMetrics metrics) {
        this.requestTopic = route.requestTopic();
        this.replyTopic = route.replyTopic().name();
        this.timeout = timeout;
        this.maxPending = maxPending;
        this.permits = new Semaphore(maxPending);
        if (route.createReplies()) {
            ReplyTopics.create(clients, "mint-gateway-admin", route.replyTopic());
        }
        this.producer = clients.producer(route.clientId(), new StringSerializer(),
                new AvroEventSerializer<>(registry), Map.of(ProducerConfig.LINGER_MS_CONFIG, lingerMs));
        this.consumer = clients.consumer(route.clientId() + "-replies", new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(replyTopic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(replyTopic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixed now, so no reply to a later request can be missed
        this.decoder = EventDecoder.oneOf(registry, List.of(InferenceResponse.class, InferenceChunk.class), retry);
        metrics.bindKafkaClient(producer);
        metrics.bindKafkaClient(consumer);
        this.reader = new Thread(this::read, "mint-gateway-replies");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** The topic this bridge's requests go to. */
    public String requestTopic() {
        return requestTopic;
    }

    /** The topic this bridge's requests are answered on. */
    public String replyTopic() {
        return replyTopic;
    }

    /** Requests sent and not yet answered or timed out. */
    public int inFlight() {
        return maxPending - permits.availablePermits();
    }

    /** Hears the chunks of streamed requests, on the reply reader's thread (so it must hand the work on at once). */
    @FunctionalInterface
    public interface ChunkListener {
        /** A chunk of the request at {@code position} in the submitted list, as it came (duplicates included). */
        void chunk(int position, InferenceChunk chunk);
    }

    /** A request waiting for its reply, and who hears its chunks (null: it does not stream). */
    private record Pending(CompletableFuture<InferenceResponse> reply, int position, ChunkListener chunks) {
    }

    /** Publishes requests whose answers come whole ({@link #submit(List, ChunkListener)} without chunks). */
    public List<CompletableFuture<InferenceResponse>> submit(List<InferenceRequest> requests) {
        return submit(requests, null);
    }

    /**
     * Publishes {@code requests} (all or none) with this gateway's reply topic; each future completes with the reply,
     * or fails with an {@link ApiError} (504 after the timeout, 503 when Kafka refuses the request).
     *
     * @param chunks when not null, the requests ask the worker to stream and their chunks go here before the reply
     * @throws ApiError 429 when fewer than {@code requests.size()} places are free
     */
    public List<CompletableFuture<InferenceResponse>> submit(List<InferenceRequest> requests, ChunkListener chunks) {
        if (!permits.tryAcquire(requests.size())) {
            throw ApiError.queueFull("The gateway holds " + inFlight() + " of at most " + maxPending + " requests in"
                    + " flight; retry later");
        }
        List<CompletableFuture<InferenceResponse>> futures = new ArrayList<>(requests.size());
        for (int position = 0; position < requests.size(); position++) {
            InferenceRequest addressed = InferenceRequest.newBuilder(requests.get(position)).setReplyTopic(replyTopic)
                    .setStream(chunks != null).build();
            String id = addressed.getRequestId();
            CompletableFuture<InferenceResponse> reply = new CompletableFuture<>();
            pending.put(id, new Pending(reply, position, chunks)); // before sending, so no reply can come first
            reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
                pending.remove(id);
                permits.release();
            });
            futures.add(reply.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                    e instanceof TimeoutException ? ApiError.timeout("No worker answered within "
                            + timeout.toSeconds() + " s; are workers with the inference role running?") : e)));
            try {
                producer.send(new ProducerRecord<>(requestTopic, addressed.getPolicyId(),
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

    /**
     * Completes the request a reply answers, or hands a chunk to its listener; false when it must be read again (the
     * registry is down).
     */
    private boolean take(ConsumerRecord<String, byte[]> record) {
        DecodeResult<SpecificRecord> decoded;
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
        if (decoded.event() instanceof InferenceChunk chunk) {
            Pending waiting = pending.get(chunk.getRequestId());
            if (waiting != null && waiting.chunks() != null) {
                try {
                    waiting.chunks().chunk(waiting.position(), chunk);
                } catch (RuntimeException e) { // one stream's fault must not stop the reader of every reply
                    LOG.warn("chunk {} of request {} was not handled: {}", chunk.getIndex(), chunk.getRequestId(),
                            e.toString(), e);
                }
            }
        } else if (decoded.event() instanceof InferenceResponse response) {
            Pending waiting = pending.get(response.getRequestId());
            if (waiting != null) {
                waiting.reply().complete(response);
            }
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
        pending.values().forEach(p -> p.reply().completeExceptionally(ApiError.unavailable("shutting_down",
                "The gateway is shutting down")));
    }
}
