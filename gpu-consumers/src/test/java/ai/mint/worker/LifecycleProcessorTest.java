package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import ai.mint.common.store.FilesystemAdapterStore;
import java.nio.file.Path;
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

    private final List<Reply> published = new ArrayList<>();
    private final List<String> deadLetters = new ArrayList<>();
    private WorkerFixture fixture;
    private WorkerFixture.Roles roles;

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private LifecycleProcessor processor(SchemaRegistryClient registry, String... policies) {
        fixture = new WorkerFixture(tmp);
        roles = fixture.worker(new FilesystemAdapterStore(tmp.resolve("store")), policies);
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
        return new LifecycleProcessor(sink, registry, ai.mint.common.decode.RetryPolicy.DEFAULT, topics, roles.rollout(), roles.update(), roles.export(),
                roles.eval());
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

    /** Issue 13 item 3: a policy's first update must not be deferred past its later events of the same poll. */
    @Test
    void shouldHandleAPolicysEventsInOffsetOrderWithinAPoll() {
        SchemaRegistryClient registry = SchemaRegistryClients.fromUrl("mock://order-test");
        LifecycleProcessor processor = processor(registry, "a", "b");
        // a's update, then the export of the revision that update produces; b's update in between
        processor.accept(List.of(
                record(registry, Topics.UPDATE_REQUESTS.name(), 0, "a", WorkerFixture.update("a",
                        WorkerFixture.BASE, 1)),
                record(registry, Topics.UPDATE_REQUESTS.name(), 1, "b", WorkerFixture.update("b",
                        WorkerFixture.BASE, 1)),
                record(registry, Topics.EXPORT_REQUESTS.name(), 0, "a", export("a", UpdateHandler.revisionOf(1)))));

        assertThat(deadLetters).isEmpty();
        List<SpecificRecord> ofA = published.stream().filter(r -> r.key().equals("a")).map(Reply::event).toList();
        assertThat(ofA).hasSize(2);
        assertThat(ofA.get(0)).isInstanceOf(UpdateResult.class);
        assertThat(((UpdateResult) ofA.get(0)).getError()).isNull();
        assertThat(ofA.get(1)).isInstanceOf(ExportResult.class);
        assertThat(((ExportResult) ofA.get(1)).getError()).as("the export ran after the update it exports").isNull();
        // while the two policies' updates, first in their queues, shared one training step
        assertThat(roles.ctx().runtime().training().mergedSteps()).isEqualTo(1);
        assertThat(published.stream().filter(r -> r.key().equals("b")).map(Reply::event).toList())
                .singleElement().isInstanceOf(UpdateResult.class);
    }
}
