package ai.mint.engine.reference;

import java.util.function.Function;

/** Compares engine logits with a reference's, row by row: the largest difference and the largest magnitude. */
public record ReferenceComparison(double worst, double spread) {

    /**
     * @param engine    engine logits [B, T, V] flattened
     * @param rows      the B token rows the engine ran
     * @param reference logits [T][V] of one row
     */
    static ReferenceComparison of(float[] engine, long[][] rows, Function<long[], double[][]> reference, int vocab) {
        double worst = 0;
        double spread = 0;
        int t = rows[0].length;
        for (int r = 0; r < rows.length; r++) {
            double[][] want = reference.apply(rows[r]);
            for (int i = 0; i < t; i++) {
                for (int v = 0; v < vocab; v++) {
                    double got = engine[(r * t + i) * vocab + v];
                    worst = Math.max(worst, Math.abs(got - want[i][v]));
                    spread = Math.max(spread, Math.abs(want[i][v]));
                }
            }
        }
        return new ReferenceComparison(worst, spread);
    }

    /** max |a[i] - b[i]| of two flattened logit arrays of one shape. */
    public static double largestDifference(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
