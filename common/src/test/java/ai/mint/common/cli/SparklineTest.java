package ai.mint.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SparklineTest {

    @Test
    void shouldDrawTheMinimumLowestAndTheMaximumHighest() {
        assertThat(Sparkline.of(List.of(0.0, 0.5, 1.0))).isEqualTo("▁▅█");
    }

    @Test
    void shouldScaleToTheCurvesOwnRangeSoThatShiftedCurvesLookTheSame() {
        assertThat(Sparkline.of(List.of(10.0, 12.0, 11.0))).isEqualTo(Sparkline.of(List.of(-1.0, 1.0, 0.0)));
    }

    @Test
    void shouldDrawAFlatCurveLowAndAMissingValueAsASpace() {
        assertThat(Sparkline.of(List.of(0.3, 0.3))).isEqualTo("▁▁");
        assertThat(Sparkline.of(List.of(0.0, Double.NaN, 1.0))).isEqualTo("▁ █");
        assertThat(Sparkline.of(List.of())).isEmpty();
    }

    @Test
    void shouldAverageALongCurveDownToTheWidth() {
        List<Double> rising = java.util.stream.IntStream.range(0, 100).mapToObj(i -> (double) i).toList();

        String line = Sparkline.of(rising, 10);
        assertThat(line).hasSize(10).startsWith("▁").endsWith("█");
        assertThat(Sparkline.of(List.of(1.0, 0.0), 10)).isEqualTo(Sparkline.of(List.of(1.0, 0.0)));
    }
}
