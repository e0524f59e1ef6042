package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.AdamParams;
import ai.mint.events.ForwardBackwardCall;
import ai.mint.events.LossParams;
import ai.mint.events.OptimStepCall;
import ai.mint.events.TrainingDatum;
import ai.mint.events.TrainingReply;
import ai.mint.events.TrainingRequest;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import ai.mint.worker.store.AdapterStore;
import ai.mint.worker.store.FilesystemAdapterStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Polls of training API calls on real micro models and a real store, without Kafka: merging of several policies'
 * calls, and what happens when a policy's calls move between workers (a partition move or a restart) between its
 * forward_backward and its optim_step.
 */
class TrainingProcessorTest {

    @TempDir
    Path tmp;

    private final SchemaRegistryClient registry = SchemaRegistryClients.fromUrl("mock://training-test");
    private final AtomicLong offsets = new AtomicLong();
    private final List<String> deadLetters = new ArrayList<>();
    private WorkerFixture fixture;
    private AdapterStore store;

    /** One worker: its processor, what it published, its model. */
    private final class Node {
        final List<TrainingReply> replies = new ArrayList<>();
        final WorkerFixture.Roles roles;
        final TrainingProcessor processor;

        Node(String... policies) {
            this(store, policies);
        }

        Node(AdapterStore own, String... policies) {
            this(own, false, policies); // policies of the training API: no lifecycle loop
        }

        Node(AdapterStore own, boolean lifecycle, String... policies) {
            roles = fixture.worker(own, lifecycle, policies);
            ResultPublisher sink = new ResultPublisher() {
                @Override
                public void publish(Reply reply) {
                    if (reply.event() instanceof TrainingReply r) {
                        assertThat(reply.topic()).isEqualTo("mint.replies.test");
                        replies.add(r);
                    }
                }

                @Override
                public void deadLetter(ConsumerRecord<String, byte[]> source, String policyId, Throwable error,
                                       String reason) {
                    deadLetters.add(reason);
                }
            };
            processor = new TrainingProcessor(sink, registry, ai.mint.common.decode.RetryPolicy.DEFAULT,
                    new TrainingCallHandler(roles.ctx(), new TrainingSessions(roles.ctx(), 8), sink),
                    topics -> Set.of("mint.replies.test")); // the test client's topic exists, no other
        }

        /** Runs one poll of these calls; the replies it published. */
        List<TrainingReply> poll(TrainingRequest... calls) {
            replies.clear();
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            try (AvroEventSerializer<TrainingRequest> serializer = new AvroEventSerializer<>(registry)) {
                for (TrainingRequest q : calls) {
                    records.add(new ConsumerRecord<>(Topics.TRAINING_REQUESTS.name(), 0, offsets.incrementAndGet(),
                            q.getPolicyId(), serializer.serialize(Topics.TRAINING_REQUESTS.name(), q)));
                }
            }
            processor.accept(records);
            return List.copyOf(replies);
        }
    }

    @BeforeEach
    void open() {
        fixture = new WorkerFixture(tmp);
        store = new FilesystemAdapterStore(tmp.resolve("store"));
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private static TrainingRequest call(String policy, String correlation, long version) {
        return TrainingRequest.newBuilder().setEventId("e-" + correlation + "-" + version).setPolicyId(policy)
                .setTime(Instant.EPOCH).setCorrelationId(correlation).setProducedBy("test")
                .setReplyTopic("mint.replies.test").setStateVersion(version).build();
    }

    private static TrainingRequest forwardBackward(String policy, String correlation, long version, boolean backward) {
        List<TrainingDatum> data = List.of(TrainingDatum.newBuilder()
                .setInputTokens(List.of(97, 98, 99, 100, 101)).setTargetTokens(List.of(98, 99, 100, 101, 102))
                .setWeights(List.of(0f, 1f, 1f, 1f, 1f)).build());
        return TrainingRequest.newBuilder(call(policy, correlation, version)).setForwardBackward(ForwardBackwardCall
                .newBuilder().setData(data).setLossFn("cross_entropy").setLoss(LossParams.newBuilder().build())
                .setBackward(backward).build()).build();
    }

    private static TrainingRequest optimStep(String policy, String correlation, long version, String... gradients) {
        return TrainingRequest.newBuilder(call(policy, correlation, version)).setOptimStep(OptimStepCall.newBuilder()
                .setAdam(AdamParams.newBuilder().setLearningRate(0.05).build()).setGradientIds(List.of(gradients))
                .build()).build();
    }

    @Test
    void shouldMergeTheForwardBackwardCallsOfSeveralPoliciesIntoOneStepWithTheAnswersOfEachAlone() {
        Node merged = new Node("a", "b");
        Node alone = new Node(new FilesystemAdapterStore(tmp.resolve("alone-store")), "a", "b");
        for (Node node : List.of(merged, alone)) { // one step each, so that the two adapters differ (B starts at 0)
            node.poll(forwardBackward("a", "a0", 0, true), forwardBackward("b", "b0", 0, true));
            node.poll(optimStep("a", "as", 0, "a0"), optimStep("b", "bs", 0, "b0"));
        }
        long mergedBefore = merged.roles.ctx().runtime().training().mergedSteps();

        List<TrainingReply> together = merged.poll(forwardBackward("a", "a1", 1, true),
                forwardBackward("b", "b1", 1, true));
        TrainingReply a = alone.poll(forwardBackward("a", "a1", 1, true)).get(0);
        TrainingReply b = alone.poll(forwardBackward("b", "b1", 1, true)).get(0);

        assertThat(together).extracting(TrainingReply::getError).containsOnlyNulls();
        assertThat(merged.roles.ctx().runtime().training().mergedSteps()).isEqualTo(mergedBefore + 1);
        assertThat(merged.roles.ctx().runtime().training().maxPoliciesPerStep()).isEqualTo(2);
        assertThat(together.get(0).getForwardBackward().getLoss())
                .isCloseTo(a.getForwardBackward().getLoss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(together.get(1).getForwardBackward().getLoss())
                .isCloseTo(b.getForwardBackward().getLoss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(together.get(0).getForwardBackward().getLoss())
                .isNotEqualTo(together.get(1).getForwardBackward().getLoss()); // two policies, two seeds
    }

    @Test
    void shouldRefuseAStepWhoseGradientsAreOnAnotherWorkerAsRetriableAndContinueThereOnceTheyAreSentAgain() {
        Node first = new Node("a");
        Node second = new Node("a");
        Node reference = new Node(new FilesystemAdapterStore(tmp.resolve("reference-store")), "a");
        reference.poll(forwardBackward("a", "g1", 0, true));
        TrainingReply uninterrupted = reference.poll(optimStep("a", "s1", 0, "g1")).get(0);
        double referenceLoss = reference.poll(forwardBackward("a", "f1", 1, false)).get(0).getForwardBackward()
                .getLoss();

        first.poll(forwardBackward("a", "g1", 0, true)); // then the partition moves to the second worker
        TrainingReply refused = second.poll(optimStep("a", "s1", 0, "g1")).get(0);
        assertThat(refused.getRetriable()).isTrue();
        assertThat(refused.getError()).contains("g1").contains("send them and the step again");
        assertThat(deadLetters).isEmpty(); // nothing was wrong with the call

        List<TrainingReply> again = second.poll(forwardBackward("a", "g1", 0, true), optimStep("a", "s1", 0, "g1"));
        assertThat(again).extracting(TrainingReply::getError).containsOnlyNulls();
        assertThat(again.get(1).getStateVersion()).isEqualTo(1);
        assertThat(again.get(1).getOptimStep().getGradNorm())
                .isCloseTo(uninterrupted.getOptimStep().getGradNorm(), org.assertj.core.data.Offset.offset(1e-6));

        // the first worker, given the policy back, continues from the saved version 1, not its stale copy
        TrainingReply back = first.poll(forwardBackward("a", "f1", 1, false)).get(0);
        assertThat(back.getError()).isNull();
        assertThat(back.getForwardBackward().getLoss())
                .isCloseTo(referenceLoss, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void shouldAnswerARedeliveredStepWithItsSavedReplyInsteadOfSteppingTwice() {
        Node worker = new Node("a");
        worker.poll(forwardBackward("a", "g1", 0, true));
        TrainingReply stepped = worker.poll(optimStep("a", "s1", 0, "g1")).get(0);
        TrainingReply redelivered = worker.poll(optimStep("a", "s1", 0, "g1")).get(0);
        TrainingReply next = worker.poll(forwardBackward("a", "g2", 1, true)).get(0);

        assertThat(redelivered.getError()).isNull();
        assertThat(redelivered.getStateVersion()).isEqualTo(1);
        assertThat(redelivered.getOptimStep().getStep()).isEqualTo(stepped.getOptimStep().getStep()).isEqualTo(1);
        assertThat(next.getError()).isNull();
    }

    @Test
    void shouldNotRunCallsWhoseReplyTopicIsGoneOrIsNotAReplyTopic() {
        Node worker = new Node("a");
        TrainingRequest gone = TrainingRequest.newBuilder(forwardBackward("a", "g1", 0, true))
                .setReplyTopic("mint.replies.closed-client").build();
        TrainingRequest elsewhere = TrainingRequest.newBuilder(forwardBackward("a", "g2", 0, true))
                .setReplyTopic(Topics.CATALOG.name()).build();

        List<TrainingReply> replies = worker.poll(gone, elsewhere, forwardBackward("a", "g3", 0, true));

        assertThat(replies).extracting(TrainingReply::getCorrelationId).containsExactly("g3");
        assertThat(deadLetters).hasSize(2);
        assertThat(deadLetters).anySatisfy(r -> assertThat(r).contains("mint.replies.closed-client does not exist"));
        assertThat(deadLetters).anySatisfy(r -> assertThat(r).contains("'mint.catalog' is not a client's reply topic"));
    }

    @Test
    void shouldRefuseTrainingAPolicyThatItsLifecycleLoopTrains() {
        Node lifecycle = new Node(new FilesystemAdapterStore(tmp.resolve("lifecycle-store")), true, "a");

        TrainingReply refused = lifecycle.poll(forwardBackward("a", "g1", 0, true)).get(0);

        assertThat(refused.getError()).contains("trained by its lifecycle loop");
        assertThat(refused.getRetriable()).isFalse();
    }

    @Test
    void shouldRefuseAStaleStateVersionNamingTheLatestAndKeepServingOthers() {
        Node worker = new Node("a", "b");
        worker.poll(forwardBackward("a", "g1", 0, true));
        worker.poll(optimStep("a", "s1", 0, "g1"));

        List<TrainingReply> replies = worker.poll(forwardBackward("a", "stale", 0, false),
                forwardBackward("b", "fine", 0, false));

        assertThat(replies).filteredOn(r -> r.getPolicyId().equals("a")).singleElement()
                .satisfies(r -> assertThat(r.getError()).contains("expects state version 0")
                        .contains("continue from version 1"));
        assertThat(replies).filteredOn(r -> r.getPolicyId().equals("b")).singleElement()
                .satisfies(r -> assertThat(r.getError()).isNull());
        assertThat(deadLetters).hasSize(1);
    }
}
