package ai.mint.api;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link TrainingClient} honours, whatever its transport: a caller programs against the interface and gets
 * the same answers from the in-process and the Kafka implementation. Each implementation's test extends this class
 * and supplies a client that has made one training step by the call its transport supports (published in the
 * connectors test-jar so that gpu-consumers runs it too).
 */
public abstract class TrainingClientContract {

    private static final long TIMEOUT_S = 120;

    /** A client of a fresh policy that has completed one training step. */
    protected abstract TrainingClient trainedClient() throws Exception;

    @Test
    void shouldNameThePolicyItTrains() throws Exception {
        assertThat(trainedClient().policyId()).isNotBlank();
    }

    @Test
    void shouldExportSamplerWeightsWithAnAddressASizeAndASha256() throws Exception {
        SavedCheckpoint saved = trainedClient().saveWeightsForSampler("contract-export")
                .get(TIMEOUT_S, TimeUnit.SECONDS);

        assertThat(saved.kind()).isEqualTo(SavedCheckpoint.Kind.SAMPLER_WEIGHTS);
        assertThat(saved.uri()).isNotBlank();
        assertThat(saved.bytes()).isPositive();
        assertThat(saved.sha256()).matches("[0-9a-f]{64}");
    }

    @Test
    void shouldExportUnchangedWeightsWithTheSameChecksum() throws Exception {
        TrainingClient client = trainedClient();
        SavedCheckpoint first = client.saveWeightsForSampler("contract-first").get(TIMEOUT_S, TimeUnit.SECONDS);
        SavedCheckpoint second = client.saveWeightsForSampler("contract-second").get(TIMEOUT_S, TimeUnit.SECONDS);

        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(second.bytes()).isEqualTo(first.bytes());
    }

    @Test
    void shouldHandBackASamplingClientForTheExportedWeights() throws Exception {
        SamplingClient sampling = trainedClient().saveWeightsAndGetSamplingClient("contract-sampler")
                .get(TIMEOUT_S, TimeUnit.SECONDS);

        assertThat(sampling).isNotNull();
    }
}
