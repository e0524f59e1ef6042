package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.AdamParams;
import ai.mint.events.CatalogEntry;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.Trajectory;
import ai.mint.events.TrainingSpec;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.worker.store.FilesystemAdapterStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update role on a real micro model and a real store, without Kafka: the catalog follower is fed entries
 * directly. Compares a worker that keeps a policy in memory with a new worker that resumes it from the store.
 */
class UpdateHandlerTest {

    static final String BASE = "micro";

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private Path baseDir;
    private FilesystemAdapterStore store;

    @BeforeEach
    void setUp() {
        baseDir = tmp.resolve(BASE);
        BaseModelInitializer.write(baseDir, TestModels.microDense(), 3L, DType.F32);
        store = new FilesystemAdapterStore(tmp.resolve("store"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A worker's update role: its own runtime, trainer states and followed catalog over the shared store. */
    private UpdateHandler newWorker(String... policies) {
        ModelRuntime runtime = ModelRuntime.open(baseDir, "cpu", store, BASE);
        CatalogFollower catalog = new CatalogFollower("127.0.0.1:1", SchemaRegistryClients.fromUrl("mock://update-test"),
                "update-test"); // never started: entries are handed in
        for (String p : policies) {
            catalog.accept(entry(p));
        }
        WorkContext ctx = new WorkContext("w", runtime, catalog, Duration.ofMillis(10));
        PolicyTrainers trainers = new PolicyTrainers(store, runtime);
        open.add(runtime);
        open.add(ctx);
        open.add(() -> runtime.withModel(m -> {
            trainers.close();
            return null;
        }));
        return new UpdateHandler(ctx, trainers);
    }

    @Test
    void shouldGiveTheSameStepWhenANewWorkerResumesFromTheSavedStateAsWhenTheStateStayedInMemory() {
        UpdateHandler first = newWorker("p");
        UpdateResult step1 = (UpdateResult) first.handle(request("p", BASE, 1)).event();
        UpdateResult inMemory = (UpdateResult) first.handle(request("p", step1.getNewRevision(), 2)).event();
        Path savedInMemory = store.open(inMemory.getStateUri(), null);
        // the trainer state itself (the saved result beside it carries a timestamp)
        String digestInMemory = PeftAdapterIo.sha256(savedInMemory.resolve("training_state.safetensors"));

        // a second store root, so that the resumed step's saved state does not collide with the first one's
        FilesystemAdapterStore other = new FilesystemAdapterStore(tmp.resolve("store-b"));
        other.put("p", "state", step1.getNewRevision(), store.open(step1.getStateUri(), null));
        store = other;
        UpdateHandler second = newWorker("p");
        UpdateResult resumed = (UpdateResult) second.handle(request("p", step1.getNewRevision(), 2)).event();

        assertThat(resumed.getLoss()).isEqualTo(inMemory.getLoss());
        assertThat(resumed.getGradNorm()).isEqualTo(inMemory.getGradNorm());
        assertThat(PeftAdapterIo.sha256(other.open(resumed.getStateUri(), null).resolve("training_state.safetensors")))
                .isEqualTo(digestInMemory);
    }

    @Test
    void shouldAnswerARedeliveredRequestFromTheSavedResultWithoutASecondStep() {
        UpdateHandler worker = newWorker("p");
        UpdateRequest q = request("p", BASE, 1);
        UpdateResult once = (UpdateResult) worker.handle(q).event();
        UpdateResult again = (UpdateResult) newWorker("p").handle(q).event();

        assertThat(again).isEqualTo(once);
    }

    @Test
    void shouldTrainSeveralPoliciesInOneBatchedStepAsEachWouldAlone() {
        UpdateHandler together = newWorker("a", "b");
        List<UpdateHandler.Try> both = together.handleAll(List.of(request("a", BASE, 1), request("b", BASE, 1)));
        UpdateResult a = (UpdateResult) both.get(0).get().event();
        UpdateResult b = (UpdateResult) both.get(1).get().event();

        store = new FilesystemAdapterStore(tmp.resolve("store-alone"));
        UpdateHandler alone = newWorker("a", "b");
        UpdateResult aAlone = (UpdateResult) alone.handle(request("a", BASE, 1)).event();
        UpdateResult bAlone = (UpdateResult) alone.handle(request("b", BASE, 1)).event();

        assertThat(a.getLoss()).isCloseTo(aAlone.getLoss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(b.getLoss()).isCloseTo(bAlone.getLoss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(a.getLoss()).isNotEqualTo(b.getLoss());
    }

    @Test
    void shouldRefuseAnUnknownPolicyWithoutFailingTheOtherPoliciesOfTheBatch() {
        UpdateHandler worker = newWorker("a");
        List<UpdateHandler.Try> out = worker.handleAll(List.of(request("ghost", BASE, 1), request("a", BASE, 1)));

        assertThat(out.get(0).error()).isInstanceOf(RejectedWorkException.class).hasMessageContaining("unknown policy");
        assertThat(out.get(1).error()).isNull();
    }

    /** A store whose first put of a given policy's trainer state fails, as a full disk would. */
    private static final class FailingOnceStore implements ai.mint.worker.store.AdapterStore {
        private final ai.mint.worker.store.AdapterStore delegate;
        private final String failingPolicy;
        private boolean failed;

        FailingOnceStore(ai.mint.worker.store.AdapterStore delegate, String failingPolicy) {
            this.delegate = delegate;
            this.failingPolicy = failingPolicy;
        }

        @Override
        public ai.mint.worker.store.StoredArtifact put(String policyId, String kind, String name, Path sourceDir) {
            if (!failed && policyId.equals(failingPolicy) && kind.equals("state")) {
                failed = true;
                throw new ai.mint.worker.store.AdapterStoreException("disk full while storing " + name);
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
    }

    private static String stateDigest(ai.mint.worker.store.AdapterStore store, String policy, int step) {
        Path dir = store.open(store.uriOf(policy, "state", UpdateHandler.revisionOf(step)), null);
        return PeftAdapterIo.sha256(dir.resolve("training_state.safetensors"));
    }

    @Test
    void shouldApplyAStepExactlyOnceWhenSavingOnePolicyOfABatchedStepFails() {
        // the reference: each policy's first step on a store that works
        UpdateHandler clean = newWorker("a", "b");
        clean.handleAll(List.of(request("a", BASE, 1), request("b", BASE, 1)));
        String oneStepA = stateDigest(store, "a", 1);
        String oneStepB = stateDigest(store, "b", 1);

        FilesystemAdapterStore disk = new FilesystemAdapterStore(tmp.resolve("store-flaky"));
        FailingOnceStore flaky = new FailingOnceStore(disk, "b");
        ModelRuntime runtime = ModelRuntime.open(tmp.resolve(BASE), "cpu", flaky, BASE);
        CatalogFollower catalog = new CatalogFollower("127.0.0.1:1", SchemaRegistryClients.fromUrl("mock://update-test"),
                "update-test");
        catalog.accept(entry("a"));
        catalog.accept(entry("b"));
        WorkContext ctx = new WorkContext("w", runtime, catalog, Duration.ofMillis(10));
        PolicyTrainers trainers = new PolicyTrainers(flaky, runtime);
        open.add(runtime);
        open.add(ctx);
        open.add(() -> runtime.withModel(m -> {
            trainers.close();
            return null;
        }));
        UpdateHandler worker = new UpdateHandler(ctx, trainers);
        List<UpdateHandler.Try> first = worker.handleAll(List.of(request("a", BASE, 1), request("b", BASE, 1)));
        assertThat(first.get(0).error()).isNull();
        if (first.get(1).error() != null) { // refused: the request comes again and must then step once
            assertThat(worker.handle(request("b", BASE, 1)).event()).isInstanceOf(UpdateResult.class);
        }

        assertThat(stateDigest(disk, "a", 1)).as("a's saved step-0001 is one step").isEqualTo(oneStepA);
        assertThat(stateDigest(disk, "b", 1)).as("b's saved step-0001 is one step, not two").isEqualTo(oneStepB);
    }

    // ---- events ----

    static CatalogEntry entry(String policy) {
        PolicySpec spec = PolicySpec.newBuilder().setEventId("s-" + policy).setPolicyId(policy).setTime(Instant.EPOCH)
                .setBaseModel(BASE)
                .setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8).setTargetModules(List.of("q_proj", "v_proj")).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"a\"}")
                .setTraining(TrainingSpec.newBuilder().setPrompts(List.of("x")).setGroupSize(4).setSteps(5)
                        .setLearningRate(0.05).setMaxTokens(4).setTemperature(1).setKlCoef(0).setSeed(policy.hashCode())
                        .build())
                .build();
        return CatalogEntry.newBuilder().setEventId("e-" + policy).setPolicyId(policy).setTime(Instant.EPOCH)
                .setSpec(spec).setRevisions(new ArrayList<>()).setHistory(new ArrayList<>()).setUpdatedAt(Instant.EPOCH)
                .build();
    }

    /** Four trajectories of two prompts with different rewards, the same for a given policy and step. */
    static UpdateRequest request(String policy, String base, int step) {
        Random rnd = new Random(policy.hashCode() * 31L + step);
        List<Trajectory> trajectories = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<Integer> completion = new ArrayList<>();
            List<Float> logprobs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                completion.add(97 + rnd.nextInt(20));
                logprobs.add(-2.0f - rnd.nextFloat());
            }
            trajectories.add(Trajectory.newBuilder().setPromptIndex(i / 2).setPromptTokens(List.of(120, 121))
                    .setCompletionTokens(completion).setCompletionText("").setLogprobs(logprobs)
                    .setReward((double) (i % 2)).build());
        }
        return UpdateRequest.newBuilder().setEventId(policy + "-update-" + step).setPolicyId(policy)
                .setTime(Instant.EPOCH).setCorrelationId("c").setProducedBy("test").setBaseRevision(base)
                .setTrajectories(trajectories).setAdam(AdamParams.newBuilder().setLearningRate(0.05).build())
                .setStep(step).build();
    }
}
