package ai.mint.engine.train;

import ai.djl.ndarray.NDManager;
import ai.mint.api.AdamConfig;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.PolicyStepResult;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static ai.mint.engine.train.StepFixtures.fourPolicies;
import static ai.mint.engine.train.StepFixtures.work;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step run in micro-batches against the same step in one pass: same losses, metrics, log-probs and gradients up to
 * float round-off, for budgets that cut by rows, by tokens, and row by row; also under constant garbage collection
 * (which frees the Java buffers of closed micro-batches at once) and over many steps (no arrays left behind).
 */
class MicroBatchedStepTest extends MicroTrainerTest {

    static final float GRADIENT_TOLERANCE = 1e-5f;

    /** One step's results and each policy's accumulated gradients copied to Java memory. */
    record Outcome(List<PolicyStepResult> results, List<Map<String, float[]>> gradients) {
    }

    static Outcome stepOnFreshPolicies(MicroBatchBudget budget) {
        List<DevicePolicy> policies = fourPolicies(trainer, model);
        try {
            List<PolicyStepResult> results = trainer.forwardBackward(work(policies, 0), budget);
            List<Map<String, float[]>> gradients = new ArrayList<>();
            for (DevicePolicy p : policies) {
                Map<String, float[]> g = new LinkedHashMap<>();
                p.accumulatedGradients().forEach((name, array) -> g.put(name, array.toFloatArray()));
                gradients.add(g);
            }
            return new Outcome(results, gradients);
        } finally {
            policies.forEach(DevicePolicy::close);
        }
    }

    static Stream<MicroBatchBudget> budgets() {
        return Stream.of(new MicroBatchBudget(1, 4096), new MicroBatchBudget(4, 4096), new MicroBatchBudget(7, 4096),
                new MicroBatchBudget(64, 30)); // the last one is cut by padded tokens, not rows
    }

    @ParameterizedTest
    @MethodSource("budgets")
    void shouldEqualTheSameStepInOnePass(MicroBatchBudget budget) {
        List<DevicePolicy> probe = fourPolicies(trainer, model);
        TrainingRows batch = new TrainingRows(work(probe, 0));
        probe.forEach(DevicePolicy::close);
        assertThat(batch.rows).isEqualTo(18);
        assertThat(MicroBatch.plan(batch.rowLength, budget)).as("the budget really splits the step").hasSizeGreaterThan(2);
        assertSameOutcome(stepOnFreshPolicies(MicroBatchBudget.UNLIMITED), stepOnFreshPolicies(budget));
    }

    /**
     * Guards a DJL trap: an op with a Java scalar operand (e.g. {@code mul(float)}) wraps it in a temporary array that
     * DJL closes at once while autograd still needs it, so a GC between forward and backward corrupted gradients
     * (15 of 18 steps before Attention and PolicyLoss kept their scalars as arrays). Forces GCs between passes.
     */
    @Test
    void shouldStayExactWhileTheGarbageCollectorRunsBetweenPasses() throws InterruptedException {
        Outcome reference = stepOnFreshPolicies(MicroBatchBudget.UNLIMITED);
        AtomicBoolean stop = new AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!stop.get()) {
                System.gc(); // lets the cleaner free the direct buffers of unreachable arrays at once
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-pressure");
        collector.setDaemon(true);
        collector.start();
        try {
            for (int run = 0; run < 4; run++) {
                assertSameOutcome(reference, stepOnFreshPolicies(new MicroBatchBudget(1, 4096)));
            }
        } finally {
            stop.set(true);
            collector.join();
        }
    }

    @Test
    void shouldLeaveNoArraysBehindOverRepeatedSteps() {
        NDManager base = model.base().manager();
        List<DevicePolicy> policies = fourPolicies(trainer, model);
        AdamConfig adam = AdamConfig.of(1e-2);
        List<Integer> arrays = new ArrayList<>();
        for (int step = 0; step < 6; step++) {
            trainer.forwardBackward(work(policies, step), new MicroBatchBudget(5, 4096));
            policies.forEach(p -> trainer.optimStep(p, adam));
            arrays.add(base.getManagedArrays().size());
        }
        policies.forEach(DevicePolicy::close);
        // after the first step (Adam creates its moments) the count of live arrays must not move
        assertThat(arrays.subList(1, arrays.size())).as("live arrays after each step").containsOnly(arrays.get(1));
    }

    static void assertSameOutcome(Outcome whole, Outcome split) {
        for (int k = 0; k < whole.results().size(); k++) {
            PolicyStepResult w = whole.results().get(k);
            PolicyStepResult s = split.results().get(k);
            assertThat(s.policyId()).isEqualTo(w.policyId());
            assertThat(s.loss()).as("loss of %s", w.policyId()).isCloseTo(w.loss(), Offset.offset(1e-6));
            assertThat(s.metrics().keySet()).isEqualTo(w.metrics().keySet());
            for (String metric : w.metrics().keySet()) {
                assertThat(s.metrics().get(metric)).as(metric).isCloseTo(w.metrics().get(metric), Offset.offset(1e-6));
            }
            assertThat(s.logprobs().length).isEqualTo(w.logprobs().length);
            for (int row = 0; row < w.logprobs().length; row++) {
                assertThat(s.logprobs()[row]).hasSameSizeAs(w.logprobs()[row]);
                for (int t = 0; t < w.logprobs()[row].length; t++) {
                    assertThat(s.logprobs()[row][t]).isCloseTo(w.logprobs()[row][t], Offset.offset(1e-5f));
                }
            }
            Map<String, float[]> gw = whole.gradients().get(k);
            Map<String, float[]> gs = split.gradients().get(k);
            assertThat(gs.keySet()).isEqualTo(gw.keySet()).isNotEmpty();
            float largest = 0;
            for (String name : gw.keySet()) {
                for (int i = 0; i < gw.get(name).length; i++) {
                    assertThat(Math.abs(gs.get(name)[i] - gw.get(name)[i])).as("%s[%d] of %s", name, i, w.policyId())
                            .isLessThanOrEqualTo(GRADIENT_TOLERANCE);
                    largest = Math.max(largest, Math.abs(gw.get(name)[i]));
                }
            }
            assertThat(largest).as("gradient of %s is not trivially zero", w.policyId()).isGreaterThan(1e-3f);
        }
    }
}
