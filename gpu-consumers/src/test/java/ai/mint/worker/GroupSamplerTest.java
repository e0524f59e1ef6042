package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GroupSamplerTest {

    /** Spread (max - min) of the first uniform draw of java.util.Random seeded with each of the seeds. */
    private static double firstDrawSpread(LongStream seeds) {
        double[] draws = seeds.mapToDouble(s -> new Random(s).nextDouble()).toArray();
        return java.util.Arrays.stream(draws).max().orElseThrow() - java.util.Arrays.stream(draws).min().orElseThrow();
    }

    @Test
    void shouldGiveTheSamplesOfAGroupIndependentFirstDrawsWhereConsecutiveSeedsDoNot() {
        long requestSeed = 7_000_021L;
        double consecutive = firstDrawSpread(LongStream.range(0, 32).map(i -> requestSeed + i));
        double mixed = firstDrawSpread(LongStream.range(0, 32).map(i -> GroupSampler.sampleSeed(requestSeed, i)));

        assertThat(consecutive).as("the trap: consecutive seeds draw almost the same number").isLessThan(0.01);
        assertThat(mixed).as("mixed seeds spread over the unit interval").isGreaterThan(0.8);
    }

    @Test
    void shouldBeRepeatableAndDifferPerIndexAndPerRequestSeed() {
        assertThat(GroupSampler.sampleSeed(5, 3)).isEqualTo(GroupSampler.sampleSeed(5, 3));
        assertThat(GroupSampler.sampleSeed(5, 3)).isNotEqualTo(GroupSampler.sampleSeed(5, 4));
        assertThat(GroupSampler.sampleSeed(5, 3)).isNotEqualTo(GroupSampler.sampleSeed(6, 3));
    }
}
