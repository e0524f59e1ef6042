package ai.mint.training.grpo;

import ai.mint.training.reward.RewardOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

class GroupAdvantagesTest {

    @Test
    void shouldNormaliseEachGroupByItsOwnMeanAndStd() {
        List<RewardOutcome> rewards = List.of(RewardOutcome.ok(1), RewardOutcome.ok(3), // group 0: mean 2, std 1
                RewardOutcome.ok(10), RewardOutcome.ok(10), RewardOutcome.ok(16));     // group 1: mean 12
        double[] adv = GroupAdvantages.compute(rewards, new int[]{0, 0, 1, 1, 1}, 1e-4);
        double std1 = Math.sqrt((4 + 4 + 16) / 3.0);
        assertThat(adv[0]).isCloseTo(-1 / (1 + 1e-4), offset(1e-12));
        assertThat(adv[1]).isCloseTo(1 / (1 + 1e-4), offset(1e-12));
        assertThat(adv[2]).isCloseTo(-2 / (std1 + 1e-4), offset(1e-12));
        assertThat(adv[4]).isCloseTo(4 / (std1 + 1e-4), offset(1e-12));
    }

    @Test
    void shouldLeaveFailedSamplesOutOfTheStatisticsAndGiveThemZero() {
        List<RewardOutcome> withFailure = List.of(RewardOutcome.ok(1), RewardOutcome.failed("timed out"),
                RewardOutcome.ok(3));
        double[] adv = GroupAdvantages.compute(withFailure, new int[]{0, 0, 0}, 1e-4);
        double[] without = GroupAdvantages.compute(List.of(RewardOutcome.ok(1), RewardOutcome.ok(3)), new int[]{0, 0}, 1e-4);
        assertThat(adv[1]).isZero();
        assertThat(new double[]{adv[0], adv[2]}).containsExactly(without[0], without[1]);
    }

    @Test
    void shouldGiveZeroNotNaNWhenAGroupHasNoSpreadOrOnlyFailures() {
        double[] adv = GroupAdvantages.compute(List.of(RewardOutcome.ok(5), RewardOutcome.ok(5),
                RewardOutcome.failed("x"), RewardOutcome.failed("y")), new int[]{0, 0, 1, 1}, 1e-4);
        assertThat(adv).containsExactly(0, 0, 0, 0);
    }
}
