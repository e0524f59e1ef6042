package ai.mint.worker;

import static ai.mint.worker.WorkerFixture.BASE;
import static ai.mint.worker.WorkerFixture.update;
import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.events.PolicySpec;
import ai.mint.training.grpo.GroupAdvantages;
import ai.mint.training.grpo.GrpoData;
import ai.mint.training.grpo.LrSchedule;
import ai.mint.training.reward.RewardOutcome;
import ai.mint.training.service.Policy;
import ai.mint.training.service.TrainingBatch;
import ai.mint.training.service.TrainingService;
import ai.mint.events.LossParams;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.common.store.AdapterStore;
import ai.mint.common.store.AdapterStoreException;
import ai.mint.common.store.FilesystemAdapterStore;
import ai.mint.common.store.StoredArtifact;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update role on a real micro model and a real store, without Kafka. Compares a worker that keeps a policy in
 * memory with a new worker that resumes it from the store, a batched step with single ones, and a step whose save
 * fails with a clean one.
 */
class UpdateHandlerTest {

    @TempDir
    Path tmp;

    private WorkerFixture fixture;
    private FilesystemAdapterStore store;

    @BeforeEach
    void setUp() {
        fixture = new WorkerFixture(tmp);
        store = new FilesystemAdapterStore(tmp.resolve("store"));
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private UpdateHandler newWorker(String... policies) {
        return fixture.worker(store, policies).update();
    }

    @Test
    void shouldGiveTheSameStepWhenANewWorkerResumesFromTheSavedStateAsWhenTheStateStayedInMemory() {
        UpdateHandler first = newWorker("p");
        UpdateResult step1 = (UpdateResult) first.handle(update("p", BASE, 1)).event();
        UpdateResult inMemory = (UpdateResult) first.handle(update("p", step1.getNewRevision(), 2)).event();
        Path savedInMemory = store.open(inMemory.getStateUri(), null);
        // the trainer state itself (the saved result beside it carries a timestamp)
        String digestInMemory = PeftAdapterIo.sha256(savedInMemory.resolve("training_state.safetensors"));

        // a second store root, so that the resumed step's saved state does not collide with the first one's
        FilesystemAdapterStore other = new FilesystemAdapterStore(tmp.resolve("store-b"));
        other.put("p", "state", step1.getNewRevision(), store.open(step1.getStateUri(), null));
        store = other;
        UpdateHandler second = newWorker("p");
        UpdateResult resumed = (UpdateResult) second.handle(update("p", step1.getNewRevision(), 2)).event();

        assertThat(resumed.getLoss()).isEqualTo(inMemory.getLoss());
        assertThat(resumed.getGradNorm()).isEqualTo(inMemory.getGradNorm());
        assertThat(PeftAdapterIo.sha256(other.open(resumed.getStateUri(), null).resolve("training_state.safetensors")))
                .isEqualTo(digestInMemory);
    }

    @Test
    void shouldAnswerARedeliveredRequestFromTheSavedResultWithoutASecondStep() {
        UpdateHandler worker = newWorker("p");
        UpdateRequest q = update("p", BASE, 1);
        UpdateResult once = (UpdateResult) worker.handle(q).event();
        UpdateResult again = (UpdateResult) newWorker("p").handle(q).event();

        assertThat(again).isEqualTo(once);
    }

    @Test
    void shouldTrainSeveralPoliciesInOneBatchedStepAsEachWouldAlone() {
        WorkerFixture.Roles together = fixture.worker(store, "a", "b");
        long mergedBefore = together.ctx().runtime().training().mergedSteps();
        List<Attempt> both = together.update().handleAll(List.of(update("a", BASE, 1), update("b", BASE, 1)));
        UpdateResult a = (UpdateResult) both.get(0).get().event();
        UpdateResult b = (UpdateResult) both.get(1).get().event();
        assertThat(together.ctx().runtime().training().mergedSteps() - mergedBefore).as("one K-policy step")
                .isEqualTo(1);

        store = new FilesystemAdapterStore(tmp.resolve("store-alone"));
        UpdateHandler alone = newWorker("a", "b");
        UpdateResult aAlone = (UpdateResult) alone.handle(update("a", BASE, 1)).event();
        UpdateResult bAlone = (UpdateResult) alone.handle(update("b", BASE, 1)).event();

        assertThat(a.getLoss()).isCloseTo(aAlone.getLoss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(b.getLoss()).isCloseTo(bAlone.getLoss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(a.getLoss()).isNotEqualTo(b.getLoss());
    }

    /**
     * The update role steps through the training API (an in-process TrainingClient); its step must be exactly the
     * step the one training path gives for the same data, loss and Adam settings when called directly (tolerance 0:
     * the same saved trainer state, byte for byte, and the same loss).
     */
    @Test
    void shouldStepThroughTheApiExactlyAsTheTrainingServiceStepsDirectly() throws Exception {
        UpdateRequest q = update("p", BASE, 1);
        UpdateResult viaApi = (UpdateResult) newWorker("p").handle(q).event();

        WorkerFixture.Roles direct = fixture.worker(new FilesystemAdapterStore(tmp.resolve("store-direct")), "p");
        TrainingService training = direct.ctx().runtime().training();
        PolicySpec spec = WorkerFixture.entry("p").getSpec();
        Policy policy = training.createPolicy("p", direct.trainers().initialWeights(spec), PolicyTrainers.seed(spec),
                LrSchedule.CONSTANT).join();
        List<GrpoData.Sample> samples = q.getTrajectories().stream().map(t -> new GrpoData.Sample(t.getPromptIndex(),
                TrainingCallCodec.ints(t.getPromptTokens()), TrainingCallCodec.ints(t.getCompletionTokens()),
                TrainingCallCodec.floats(t.getLogprobs()), RewardOutcome.ok(t.getReward()))).toList();
        List<Datum> data = GrpoData.toData(samples, GroupAdvantages.DEFAULT_EPSILON);
        double loss = training.forwardBackward(new TrainingBatch(policy, data, TrainingCallCodec.loss(q.getLossFn()),
                LossConfig.DEFAULT.withKlBeta(0.0))).join().loss();
        training.optimStep(policy, TrainingCallCodec.adam(q.getAdam())).join();
        Path file = training.saveState(policy, java.nio.file.Files.createDirectories(tmp.resolve("direct"))).join();

        assertThat(viaApi.getLoss()).isEqualTo(loss);
        assertThat(stateDigest(store, "p", 1)).as("the trainer state saved by the update role")
                .isEqualTo(PeftAdapterIo.sha256(file));
        training.closePolicy(policy).join();
    }

    @Test
    void shouldClipWithTheRequestsOwnLossKnobs() {
        UpdateHandler worker = newWorker("a", "b", "c");
        UpdateRequest q = update("a", BASE, 1);
        UpdateResult defaults = (UpdateResult) worker.handle(q).event();
        UpdateResult explicit = (UpdateResult) worker.handle(UpdateRequest.newBuilder(q).setPolicyId("b")
                .setLoss(LossParams.newBuilder().setClipLow(0.2).setClipHigh(0.2).build()).build()).event();
        UpdateResult wide = (UpdateResult) worker.handle(UpdateRequest.newBuilder(q).setPolicyId("c")
                .setLoss(LossParams.newBuilder().setClipLow(0.5).setClipHigh(0.5).build()).build()).event();

        assertThat(explicit.getLoss()).isCloseTo(defaults.getLoss(), org.assertj.core.data.Offset.offset(1e-6));
        // the logged log-probs (-2..-3) are far above the base's (about -5.5): every ratio is below 0.5, so the two
        // rows of advantage -1 (of 4 rows, 3 tokens each) contribute the clipped (1 - eps) |A| per token, the others
        // r A whatever the clip: the losses differ by 6 * (0.5 - 0.2) * |A| / 12, |A| = 0.5 / (0.5 + 1e-4)
        double a = 0.5 / (0.5 + 1e-4);
        assertThat(defaults.getLoss() - wide.getLoss()).isCloseTo(6 * 0.3 * a / 12,
                org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void shouldRefuseAnUnknownPolicyWithoutFailingTheOtherPoliciesOfTheBatch() {
        UpdateHandler worker = newWorker("a");
        List<Attempt> out = worker.handleAll(List.of(update("ghost", BASE, 1), update("a", BASE, 1)));

        assertThat(out.get(0).error()).isInstanceOf(RejectedWorkException.class).hasMessageContaining("unknown policy");
        assertThat(out.get(1).error()).isNull();
    }

    /** A store whose first put of a given policy's trainer state fails, as a full disk would. */
    private static final class FailingOnceStore implements AdapterStore {
        private final AdapterStore delegate;
        private final String failingPolicy;
        private boolean failed;

        FailingOnceStore(AdapterStore delegate, String failingPolicy) {
            this.delegate = delegate;
            this.failingPolicy = failingPolicy;
        }

        @Override
        public StoredArtifact put(String policyId, String kind, String name, Path sourceDir) {
            if (!failed && policyId.equals(failingPolicy) && kind.equals("state")) {
                failed = true;
                throw new AdapterStoreException("disk full while storing " + name);
            }
            return delegate.put(policyId, kind, name, sourceDir);
        }

        @Override
        public Path open(String uri, String expectedSha256) {
            return delegate.open(uri, expectedSha256);
        }

        @Override
        public boolean contains(String uri) {
            return delegate.contains(uri);
        }

        @Override
        public String uriOf(String policyId, String kind, String name) {
            return delegate.uriOf(policyId, kind, name);
        }

        @Override
        public List<String> names(String policyId, String kind) {
            return delegate.names(policyId, kind);
        }

        @Override
        public void delete(String uri) {
            delegate.delete(uri);
        }
    }

    private static String stateDigest(AdapterStore store, String policy, int step) {
        Path dir = store.open(store.uriOf(policy, "state", UpdateHandler.revisionOf(step)), null);
        return PeftAdapterIo.sha256(dir.resolve("training_state.safetensors"));
    }

    /** Issue 13 item 4: the optimizer step of a batched update must never be applied twice to the same state. */
    @Test
    void shouldApplyAStepExactlyOnceWhenSavingOnePolicyOfABatchedStepFails() {
        // the reference: each policy's first step on a store that works
        newWorker("a", "b").handleAll(List.of(update("a", BASE, 1), update("b", BASE, 1)));
        String oneStepA = stateDigest(store, "a", 1);
        String oneStepB = stateDigest(store, "b", 1);

        FilesystemAdapterStore disk = new FilesystemAdapterStore(tmp.resolve("store-flaky"));
        UpdateHandler worker = fixture.worker(new FailingOnceStore(disk, "b"), "a", "b").update();
        List<Attempt> first = worker.handleAll(List.of(update("a", BASE, 1), update("b", BASE, 1)));
        assertThat(first.get(0).error()).isNull();
        if (first.get(1).error() != null) { // refused: the request comes again and must then step once
            assertThat(worker.handle(update("b", BASE, 1)).event()).isInstanceOf(UpdateResult.class);
        }

        assertThat(stateDigest(disk, "a", 1)).as("a's saved step-0001 is one step").isEqualTo(oneStepA);
        assertThat(stateDigest(disk, "b", 1)).as("b's saved step-0001 is one step, not two").isEqualTo(oneStepB);
    }
}
