package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.events.Trajectory;
import ai.mint.common.store.FilesystemAdapterStore;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollouts of several policies run as one generation batch and give each policy what it gets alone. */
class RolloutHandlerTest {

    private static final List<String> POLICIES = List.of("a", "b", "c");

    @TempDir
    Path tmp;

    private WorkerFixture fixture;
    private FilesystemAdapterStore store;

    @BeforeEach
    void setUp() {
        fixture = new WorkerFixture(tmp);
        store = new FilesystemAdapterStore(tmp.resolve("store"));
        for (int k = 0; k < POLICIES.size(); k++) { // each policy's first revision, an adapter of its own
            Path dir = tmp.resolve("adapter-" + k);
            PeftAdapterIo.write(dir, LoraWeights.random(TestModels.microDense(), EnumSet.of(Projection.Q,
                    Projection.V, Projection.UP), 2 + k, 32f, 60 + k, true), TestModels.microDense());
            store.put(POLICIES.get(k), "sampler", "rev-1", dir);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private static List<RolloutRequest> requests() {
        return POLICIES.stream().map(p -> WorkerFixture.rollout(p, "rev-1", 3, 11)).toList();
    }

    @Test
    void shouldSampleTheRolloutsOfSeveralPoliciesInOneBatchAsEachAlone() {
        WorkerFixture.Roles worker = fixture.worker(store, POLICIES.toArray(String[]::new));
        long mergedBefore = worker.ctx().runtime().training().mergedGenerations();
        List<Attempt> together = worker.rollout().handleAll(requests());
        assertThat(worker.ctx().runtime().training().mergedGenerations() - mergedBefore)
                .as("one generation batch for the three rollouts").isEqualTo(1);
        assertThat(worker.ctx().runtime().training().maxCallsPerGeneration()).isEqualTo(3);

        for (int k = 0; k < POLICIES.size(); k++) {
            RolloutResult merged = (RolloutResult) together.get(k).get().event();
            RolloutResult alone = (RolloutResult) worker.rollout().handle(requests().get(k)).event();
            assertThat(merged.getError()).isNull();
            assertThat(merged.getTrajectories()).hasSize(6).hasSameSizeAs(alone.getTrajectories());
            for (int i = 0; i < alone.getTrajectories().size(); i++) {
                Trajectory m = merged.getTrajectories().get(i);
                Trajectory a = alone.getTrajectories().get(i);
                assertThat(m.getCompletionTokens()).as("%s sample %d", POLICIES.get(k), i)
                        .isEqualTo(a.getCompletionTokens());
                assertThat(m.getCompletionText()).isEqualTo(a.getCompletionText());
                assertThat(m.getReward()).isEqualTo(a.getReward());
                for (int t = 0; t < a.getLogprobs().size(); t++) {
                    assertThat(m.getLogprobs().get(t)).isCloseTo(a.getLogprobs().get(t), Offset.offset(1e-5f));
                }
            }
        }
        // the policies' adapters really differ, so a mixed-up row would show
        RolloutResult first = (RolloutResult) together.get(0).get().event();
        RolloutResult second = (RolloutResult) together.get(1).get().event();
        assertThat(first.getTrajectories().get(0).getLogprobs()).isNotEqualTo(second.getTrajectories().get(0).getLogprobs());
    }

    @Test
    void shouldRefuseABadRolloutWithoutFailingTheOthersOfTheBatch() {
        WorkerFixture.Roles worker = fixture.worker(store, POLICIES.toArray(String[]::new));
        RolloutRequest tooLong = WorkerFixture.rollout("b", "rev-1", 3, 11);
        tooLong.getSampling().setMaxTokens(100_000);
        List<Attempt> out = worker.rollout().handleAll(List.of(requests().get(0), tooLong, requests().get(2)));
        assertThat(out.get(0).error()).isNull();
        assertThat(out.get(1).error()).isInstanceOf(RejectedWorkException.class).hasMessageContaining("max_tokens");
        assertThat(out.get(2).error()).isNull();
    }
}
