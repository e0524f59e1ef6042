package ai.mint.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeriesTest {

    @Test
    void shouldFindTheSlopeOfALineAndLeaveOutTheWarmUp() {
        Series rss = new Series("rss worker", "MiB");
        rss.add(0, 900); // warm-up: the JVM still grows
        rss.add(0.5, 400);
        for (int i = 6; i <= 60; i++) {
            double minute = i / 6.0;
            rss.add(minute, 300 + 2.5 * minute);
        }
        assertThat(rss.slopePerMinute(1.0)).isCloseTo(2.5, within(1e-9));
        assertThat(rss.slopePerMinute(0.0)).as("with the warm-up samples").isLessThan(0);
    }

    @Test
    void shouldMatchTheSlopeOfTheSameSamplesComputedByCentredSums() {
        Random random = new Random(7);
        Series series = new Series("lag", "records");
        double[] x = new double[200];
        double[] y = new double[200];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + i * 0.1;
            y[i] = 40 - 0.3 * x[i] + random.nextGaussian();
            series.add(x[i], y[i]);
        }
        double mx = java.util.Arrays.stream(x).average().orElseThrow();
        double my = java.util.Arrays.stream(y).average().orElseThrow();
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        assertThat(series.slopePerMinute(1.0)).isCloseTo(num / den, within(1e-9));
    }

    @Test
    void shouldSayNothingWithFewerThanTwoSamplesOrSkipMissingOnes() {
        Series one = new Series("fds", "files");
        one.add(2, 10);
        one.add(3, Double.NaN); // the process was gone for that sample
        assertThat(one.slopePerMinute(1.0)).isNaN();
        one.add(4, 14);
        assertThat(one.slopePerMinute(1.0)).isCloseTo(2.0, within(1e-12));
    }
}
