package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.mint.api.AdamConfig;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.PolicyBatch;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One device representation of an adapter's factors: a training policy's factors are the same device arrays from
 * step to step (updated in place, never copied to the host), and serving samples from them exactly as from the same
 * weights loaded as a serving adapter.
 */
class DeviceFactorsTest {

    @TempDir
    static Path dir;
    static LoraEngine engine;

    @BeforeAll
    static void open() {
        BaseModelInitializer.write(dir.resolve("base"), TestModels.microDense(), 5L, DType.F32);
        engine = LoraEngine.open(EngineConfig.of(dir.resolve("base")));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static DevicePolicy policy(String id) {
        return (DevicePolicy) engine.createPolicy(id, LoraWeights.random(engine.config(),
                EnumSet.of(Projection.Q, Projection.V, Projection.UP), 4, 8f, 17, true));
    }

    private static PolicyBatch batch(DevicePolicy p, long seed) {
        return new PolicyBatch(p, StepFixtures.rollouts(seed, 4), LossFunction.GRPO, LossConfig.DEFAULT);
    }

    private static GenerationRequest row(String adapter) {
        return new GenerationRequest(adapter, new int[] {72, 101, 108}, new GenerationParams(5, 1.0, 1.0, 9,
                Set.of()));
    }

    @Test
    void shouldTrainAndSampleOnTheSameDeviceArraysWithoutCopyingThemToTheHost() {
        try (DevicePolicy p = policy("p")) {
            Map<String, NDArray> leaves = new LinkedHashMap<>(p.factors().parameters());
            Map<String, String> uids = new LinkedHashMap<>();
            leaves.forEach((name, a) -> uids.put(name, a.getUid()));
            float[] initialB = leaves.get("0.q_proj.B").toFloatArray(); // the test's own read, not the engine's
            for (int step = 0; step < 3; step++) {
                engine.forwardBackward(List.of(batch(p, step)), new MicroBatchBudget(2, 4096));
                engine.optimStep(p, AdamConfig.of(1e-2));
                engine.generate(List.of(row(p.adapterId()), row(null)));
                Map<String, NDArray> now = p.factors().parameters();
                assertThat(now.keySet()).isEqualTo(leaves.keySet());
                for (String name : leaves.keySet()) {
                    assertThat(now.get(name)).as("%s after step %d", name, step).isSameAs(leaves.get(name));
                    assertThat(now.get(name).getUid()).isEqualTo(uids.get(name));
                }
            }
            assertThat(p.hostCopies()).as("device-to-host copies of the factors over 3 steps").isZero();
            assertThat(p.optimizerSteps()).isEqualTo(3);
            float[] trainedB = leaves.get("0.q_proj.B").toFloatArray();
            float moved = 0;
            for (int i = 0; i < trainedB.length; i++) {
                moved = Math.max(moved, Math.abs(trainedB[i] - initialB[i]));
            }
            assertThat(moved).as("the steps updated the arrays in place").isGreaterThan(1e-3f);
            engine.exportWeights(p);
            assertThat(p.hostCopies()).as("an export is the one copy").isEqualTo(1);
        }
    }

    @Test
    void shouldSampleFromATrainingPolicyExactlyAsFromItsWeightsLoadedAsAServingAdapter() {
        try (DevicePolicy p = policy("q")) {
            engine.forwardBackward(List.of(batch(p, 3)), MicroBatchBudget.DEFAULT);
            engine.optimStep(p, AdamConfig.of(5e-2));
            Path exported = dir.resolve("exported");
            PeftAdapterIo.write(exported, engine.exportWeights(p), engine.config());
            engine.registerAdapter("exported", exported);
            List<GenerationResult> out = engine.generate(List.of(row(p.adapterId()), row("exported"), row(null)));
            assertThat(out.get(0).tokens()).containsExactly(out.get(1).tokens());
            for (int i = 0; i < out.get(0).logProbs().length; i++) {
                assertThat(out.get(0).logProbs()[i]).isCloseTo(out.get(1).logProbs()[i], Offset.offset(1e-6f));
            }
            assertThat(out.get(0).logProbs()).isNotEqualTo(out.get(2).logProbs()); // the adapter matters
        }
    }

    @Test
    void shouldRefuseServingIdsThatNameTrainingPoliciesAndAClosedPolicy() {
        DevicePolicy p = policy("r");
        String id = p.adapterId();
        assertThat(id).startsWith(LoraTrainer.ADAPTER_PREFIX);
        assertThatThrownBy(() -> engine.registerAdapter(id, dir)).isInstanceOf(EngineException.class)
                .hasMessageContaining("name training policies");
        p.close();
        List<GenerationRequest> rows = new ArrayList<>(List.of(row(id)));
        assertThatThrownBy(() -> engine.generate(rows)).hasMessageContaining("no live training policy");
        assertThat(engine.trainer().livePolicies()).isZero();
    }
}
