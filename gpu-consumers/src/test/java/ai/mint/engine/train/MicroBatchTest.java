package ai.mint.engine.train;

import ai.mint.engine.MicroBatchBudget;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MicroBatchTest {

    @Test
    void shouldCutAtTheRowLimit() {
        assertThat(MicroBatch.plan(new int[]{5, 3, 7, 2, 9}, new MicroBatchBudget(2, 1000))).containsExactly(
                new MicroBatch(0, 2, 5), new MicroBatch(2, 4, 7), new MicroBatch(4, 5, 9));
    }

    @Test
    void shouldCutWhenPaddingToTheLongestRowWouldExceedTheTokenLimit() {
        // 2 x 5 = 10 fits 14; adding the 7-token row pads to 3 x 7 = 21; 2 x 7 = 14 fits; 3 x 9 does not
        assertThat(MicroBatch.plan(new int[]{5, 3, 7, 2, 9}, new MicroBatchBudget(10, 14))).containsExactly(
                new MicroBatch(0, 2, 5), new MicroBatch(2, 4, 7), new MicroBatch(4, 5, 9));
    }

    @Test
    void shouldRunARowLongerThanTheBudgetAlone() {
        assertThat(MicroBatch.plan(new int[]{5, 6, 1}, new MicroBatchBudget(10, 4))).containsExactly(
                new MicroBatch(0, 1, 5), new MicroBatch(1, 2, 6), new MicroBatch(2, 3, 1));
        assertThat(MicroBatch.plan(new int[]{4, 6}, MicroBatchBudget.UNLIMITED)).containsExactly(new MicroBatch(0, 2, 6));
    }

    @Test
    void shouldCoverEveryRowOnceInOrderWithEachBatchAsFullAsTheBudgetAllows() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            int[] lengths = rnd.ints(1 + rnd.nextInt(40), 1, 30).toArray();
            MicroBatchBudget budget = new MicroBatchBudget(1 + rnd.nextInt(12), 1 + rnd.nextInt(150));
            List<MicroBatch> plan = MicroBatch.plan(lengths, budget);
            int next = 0;
            for (MicroBatch mb : plan) {
                assertThat(mb.from()).isEqualTo(next);
                assertThat(mb.rows()).isPositive();
                int longest = 0;
                for (int r = mb.from(); r < mb.to(); r++) {
                    longest = Math.max(longest, lengths[r]);
                }
                assertThat(mb.width()).isEqualTo(longest);
                assertThat(mb.rows() == 1 || budget.fits(mb.rows(), mb.width())).as("%s under %s", mb, budget).isTrue();
                if (mb.to() < lengths.length) { // greedy: the next row would not have fitted
                    assertThat(budget.fits(mb.rows() + 1, Math.max(longest, lengths[mb.to()]))).isFalse();
                }
                next = mb.to();
            }
            assertThat(next).isEqualTo(lengths.length);
        }
    }

    @Test
    void shouldRejectAnEmptyBudgetByName() {
        assertThatThrownBy(() -> new MicroBatchBudget(0, 10)).hasMessageContaining("maxRows must be >= 1, got 0");
        assertThatThrownBy(() -> new MicroBatchBudget(4, -1)).hasMessageContaining("maxTokens must be >= 1, got -1");
        assertThat(new MicroBatchBudget(32, 4096).describe()).isEqualTo("32 rows / 4096 tokens");
        assertThat(MicroBatchBudget.UNLIMITED.describe()).isEqualTo("unlimited");
    }
}
