package ai.mint.common.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

    /** Spread (max - min) of the first uniform draw of java.util.Random seeded with each of the seeds. */
    private static double firstDrawSpread(LongStream seeds) {
        double[] draws = seeds.mapToDouble(s -> new Random(s).nextDouble()).toArray();
        return java.util.Arrays.stream(draws).max().orElseThrow() - java.util.Arrays.stream(draws).min().orElseThrow();
    }

    @Test
    void shouldGiveIndependentFirstDrawsWhereConsecutiveSeedsDoNot() {
        long seed = 7_000_021L;
        double consecutive = firstDrawSpread(LongStream.range(0, 32).map(i -> seed + i));
        double mixed = firstDrawSpread(LongStream.range(0, 32).map(i -> SplitMix64.draw(seed, i)));

        assertThat(consecutive).as("the trap: consecutive seeds draw almost the same number").isLessThan(0.01);
        assertThat(mixed).as("mixed seeds spread over the unit interval").isGreaterThan(0.8);
    }

    @Test
    void shouldDrawTheSameSequenceFromASeedFromItsIndexAndFromASavedState() {
        SplitMix64 a = new SplitMix64(42);
        long[] first = {a.nextLong(), a.nextLong(), a.nextLong()};
        for (int i = 0; i < first.length; i++) {
            assertThat(SplitMix64.draw(42, i)).isEqualTo(first[i]);
        }
        SplitMix64 resumed = new SplitMix64(0);
        resumed.setState(a.state());
        assertThat(resumed.nextLong()).isEqualTo(a.nextLong());
        // the published reference value of SplitMix64 seeded with 0 (Vigna's splitmix64.c)
        assertThat(new SplitMix64(0).nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
    }

    @Test
    void shouldBoundDrawsAndRefuseAnEmptyRange() {
        SplitMix64 r = new SplitMix64(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(r.nextInt(7)).isBetween(0, 6);
            assertThat(r.nextDouble()).isGreaterThanOrEqualTo(0).isLessThan(1);
        }
        assertThatThrownBy(() -> r.nextInt(0)).hasMessageContaining("bound must be positive, got 0");
        assertThat(SplitMix64.draw(5, 3)).isNotEqualTo(SplitMix64.draw(5, 4)).isNotEqualTo(SplitMix64.draw(6, 3));
    }
}
