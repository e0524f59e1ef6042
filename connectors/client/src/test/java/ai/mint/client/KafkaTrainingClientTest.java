package ai.mint.client;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossFunction;
import ai.mint.api.SamplingConfig;
import ai.mint.api.TrainingClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kafka client seen through the Tinker {@link TrainingClient} interface: the calls that have no lifecycle event
 * fail through their future (never by throwing), saying what is missing and which Kafka call to use instead. None of
 * these calls may touch Kafka, so the client is built without a connection; what it does over a real broker is in
 * integration-tests' LifecycleIT.
 */
class KafkaTrainingClientTest {

    private final TrainingClient client = new KafkaTrainingClient(null, null, "policy-a");
    private final List<Datum> batch = List.of(Datum.supervised(new int[] {1, 2, 3}, 1));

    @Test
    void shouldBeUsableAsATinkerTrainingClientOfItsPolicy() {
        assertThat(client.policyId()).isEqualTo("policy-a");
    }

    @Test
    void shouldRefuseDatumLevelForwardBackwardAndPointToTheGrpoUpdate() {
        assertUnsupported(client.forwardBackward(batch, LossFunction.CROSS_ENTROPY),
                "no lifecycle event carries a datum-level batch", "optimStep(baseRevision, trajectories, adam, step)");
    }

    @Test
    void shouldRefuseAnOptimStepWithoutTrajectoriesAndPointToTheGrpoUpdate() {
        assertUnsupported(client.optimStep(AdamConfig.of(1e-3)),
                "gradients accumulated by forwardBackward", "optimStep(baseRevision, trajectories, adam, step)");
    }

    @Test
    void shouldRefuseTokenPromptsAndPointToTextSampling() {
        assertUnsupported(client.sample(new int[] {1, 2}, 2, new SamplingConfig(4, 1.0, 7L)),
                "text prompts", "sample(revision, prompts, groupSize, sampling)");
    }

    @Test
    void shouldRefuseSaveAndLoadStateAndSayThatTheWorkerDoesIt() {
        assertUnsupported(client.saveState("s"), "no save-state event", "UpdateResult.state_uri");
        assertUnsupported(client.loadState("mint://x"), "no load-state event", "resumes it");
        assertUnsupported(client.loadStateWithOptimizer("mint://x"), "no load-state event", "optimizer included");
    }

    @Test
    void shouldRefuseToExportBeforeAnyUpdateWasMadeThroughIt() {
        assertThatThrownBy(() -> client.saveWeightsForSampler("w").get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("policy-a").hasMessageContaining("saveWeightsForSampler(UpdateResult)");
        assertThatThrownBy(() -> client.saveWeightsAndGetSamplingClient("w").get())
                .cause().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseTokenPromptsOnAPinnedSamplingClient() {
        KafkaSamplingClient sampling = new KafkaSamplingClient(null, "policy-a", "step-0001");

        assertThat(sampling.revision()).isEqualTo("step-0001");
        assertUnsupported(sampling.sample(new int[] {1}, 1, new SamplingConfig(2, 1.0, null)),
                "text prompt", "sample(String prompt");
    }

    private static void assertUnsupported(CompletableFuture<?> future, String missing, String insteadUse) {
        assertThat(future).isCompletedExceptionally();
        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining(missing).hasMessageContaining(insteadUse);
    }
}
