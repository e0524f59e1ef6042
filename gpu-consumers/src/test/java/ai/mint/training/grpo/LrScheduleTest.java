package ai.mint.training.grpo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

class LrScheduleTest {

    @Test
    void shouldWarmUpLinearlyThenHoldOrDecayByCosine() {
        assertThat(LrSchedule.CONSTANT.learningRate(1e-3, 1000)).isEqualTo(1e-3);
        LrSchedule warm = LrSchedule.parse("linear_warmup:4");
        assertThat(warm.factor(0)).isEqualTo(0.25);
        assertThat(warm.factor(3)).isEqualTo(1.0);
        assertThat(warm.factor(100)).isEqualTo(1.0);
        LrSchedule cos = LrSchedule.parse("cosine:2:12:0.1");
        assertThat(cos.factor(1)).isEqualTo(1.0);
        assertThat(cos.factor(2)).isEqualTo(1.0);
        assertThat(cos.factor(7)).isCloseTo(0.55, offset(1e-12));
        assertThat(cos.factor(12)).isCloseTo(0.1, offset(1e-12));
        assertThat(cos.factor(50)).isCloseTo(0.1, offset(1e-12));
    }

    @Test
    void shouldRejectSchedulesThatDoNotParse() {
        assertThatThrownBy(() -> LrSchedule.parse("cosine:10:5")).hasMessageContaining("totalSteps > warmupSteps");
        assertThatThrownBy(() -> LrSchedule.parse("step:3")).hasMessageContaining("unknown kind 'step'");
        assertThatThrownBy(() -> LrSchedule.parse("linear_warmup")).hasMessageContaining("linear_warmup:WARMUP");
    }
}
