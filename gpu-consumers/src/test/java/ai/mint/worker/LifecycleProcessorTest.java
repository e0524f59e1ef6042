package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import ai.mint.worker.store.FilesystemAdapterStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A poll of lifecycle requests on a real micro model and store, with the results collected instead of published. */
class LifecycleProcessorTest {

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Reply> published = new ArrayList<>();
    private final List<String> deadLetters = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private LifecycleProcessor processor(SchemaRegistryClient registry, String... policies) {
        Path baseDir = tmp.resolve(UpdateHandlerTest.BASE);
        BaseModelInitializer.write(baseDir, TestModels.microDense(), 3L, DType.F32);
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("store"));
        ModelRuntime runtime = ModelRuntime.open(baseDir, "cpu", store, UpdateHandlerTest.BASE);
        CatalogFollower catalog = new CatalogFollower("127.0.0.1:1", registry, "order-test");
        for (String p : policies) {
            catalog.accept(UpdateHandlerTest.entry(p));
        }
        WorkContext ctx = new WorkContext("w", runtime, catalog, Duration.ofMillis(10));
        PolicyTrainers trainers = new PolicyTrainers(store, runtime);
        open.add(runtime);
        open.add(ctx);
        open.add(() -> runtime.withModel(m -> {
            trainers.close();
            return null;
        }));
        ResultPublisher sink = new ResultPublisher() {
            @Override
            public void publish(Reply reply) {
                published.add(reply);
            }

            @Override
            public void deadLetter(ConsumerRecord<String, byte[]> source, String policyId, Throwable error,
                                   String reason) {
                deadLetters.add(reason);
            }
        };
        List<ai.mint.topics.TopicSpec> topics = List.of(Topics.ROLLOUT_REQUESTS, Topics.UPDATE_REQUESTS,
                Topics.EXPORT_REQUESTS, Topics.EVAL_REQUESTS);
        return new LifecycleProcessor(sink, registry, topics, new RolloutHandler(ctx),
                new UpdateHandler(ctx, trainers), new ExportHandler(ctx, trainers), new EvalHandler(ctx));
    }

    private static ConsumerRecord<String, byte[]> record(SchemaRegistryClient registry, String topic, long offset,
                                                         String key, SpecificRecord event) {
        try (AvroEventSerializer<SpecificRecord> serializer = new AvroEventSerializer<>(registry)) {
            return new ConsumerRecord<>(topic, 0, offset, key, serializer.serialize(topic, event));
        }
    }

    private static ExportRequest export(String policy, String revision) {
        return ExportRequest.newBuilder().setEventId(policy + "-export-" + revision).setPolicyId(policy)
                .setTime(Instant.EPOCH).setCorrelationId("c").setProducedBy("test").setRevision(revision)
                .setStateUri("").build();
    }

    @Test
    void shouldHandleAPolicysEventsInOffsetOrderWithinAPoll() {
        SchemaRegistryClient registry = SchemaRegistryClients.fromUrl("mock://order-test");
        LifecycleProcessor processor = processor(registry, "a", "b");
        // a's update, then the export of the revision that update produces; b's update in between
        processor.accept(List.of(
                record(registry, Topics.UPDATE_REQUESTS.name(), 0, "a", UpdateHandlerTest.request("a",
                        UpdateHandlerTest.BASE, 1)),
                record(registry, Topics.UPDATE_REQUESTS.name(), 1, "b", UpdateHandlerTest.request("b",
                        UpdateHandlerTest.BASE, 1)),
                record(registry, Topics.EXPORT_REQUESTS.name(), 0, "a", export("a", UpdateHandler.revisionOf(1)))));

        assertThat(deadLetters).isEmpty();
        List<SpecificRecord> ofA = published.stream().filter(r -> r.key().equals("a")).map(Reply::event).toList();
        assertThat(ofA).hasSize(2);
        assertThat(ofA.get(0)).isInstanceOf(UpdateResult.class);
        assertThat(((UpdateResult) ofA.get(0)).getError()).isNull();
        assertThat(ofA.get(1)).isInstanceOf(ExportResult.class);
        assertThat(((ExportResult) ofA.get(1)).getError()).as("the export ran after the update it exports").isNull();
    }
}
