package ai.mint.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.client.KafkaTrainingClient;
import ai.mint.api.TrainingClient;
import ai.mint.api.TrainingClientContract;
import ai.mint.events.AdamParams;
import ai.mint.events.PolicySpec;
import ai.mint.events.RolloutResult;
import ai.mint.events.SamplingParams;
import ai.mint.events.UpdateResult;
import ai.mint.it.SharedPlatform;
import ai.mint.platform.EmbeddedPlatform;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connectors' {@link TrainingClientContract}, run against {@link KafkaTrainingClient} on the real broker, registry,
 * catalog app and worker: the same assertions the in-process client passes in gpu-consumers. Each trained client is a
 * fresh policy that made one GRPO step through the update topic.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaTrainingClientContractIT extends TrainingClientContract {

    private static final String REWARD = "{\"type\":\"length_target\",\"target\":3,\"unit\":\"tokens\"}";
    private final AtomicInteger policies = new AtomicInteger();
    private LifecycleHarness harness;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        harness = new LifecycleHarness(platform);
    }

    @AfterAll
    void stop() throws Exception {
        harness.close();
    }

    @Override
    protected TrainingClient trainedClient() throws Exception {
        String policy = "it-contract-" + policies.incrementAndGet() + "-" + harness.runId;
        PolicySpec spec = PolicySpec.newBuilder(LifecycleHarness.spec(policy, 1, REWARD)).setTraining(null).build();
        harness.client.createPolicy(spec).get(60, TimeUnit.SECONDS);
        KafkaTrainingClient client = harness.client.training(policy);

        RolloutResult rollout = client.sample(LifecycleHarness.BASE, List.of("ab", "cd"), 2,
                SamplingParams.newBuilder().setMaxTokens(4).setTemperature(1.0).setSeed(9L).build())
                .get(60, TimeUnit.SECONDS);
        assertThat(rollout.getError()).isNull();
        UpdateResult update = client.optimStep(LifecycleHarness.BASE, rollout.getTrajectories(),
                AdamParams.newBuilder().setLearningRate(0.05).build(), 1).get(60, TimeUnit.SECONDS);
        assertThat(update.getError()).isNull();
        return client;
    }
}
