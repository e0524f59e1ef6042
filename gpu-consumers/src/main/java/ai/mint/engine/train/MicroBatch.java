package ai.mint.engine.train;

import ai.mint.engine.MicroBatchBudget;

import java.util.ArrayList;
import java.util.List;

/**
 * A contiguous range of a step's rows run as one forward/backward, right-padded only to its own longest row.
 * Rows keep the step's order (policy by policy), so a micro-batch may hold the tail of one policy and the head of the
 * next; each row's loss is scaled by its policy's step-wide token count, so the micro-batches' losses (and
 * gradients) add up to the full-batch per-policy token means.
 */
record MicroBatch(int from, int to, int width) {

    int rows() {
        return to - from;
    }

    /** Greedy packing of rows {@code 0..rowLength.length-1} in order, each micro-batch as full as the budget allows. */
    static List<MicroBatch> plan(int[] rowLength, MicroBatchBudget budget) {
        List<MicroBatch> out = new ArrayList<>();
        int from = 0;
        int width = 0;
        for (int r = 0; r < rowLength.length; r++) {
            int wider = Math.max(width, rowLength[r]);
            if (r > from && !budget.fits(r - from + 1, wider)) {
                out.add(new MicroBatch(from, r, width));
                from = r;
                wider = rowLength[r];
            }
            width = wider;
        }
        if (rowLength.length > from) {
            out.add(new MicroBatch(from, rowLength.length, width));
        }
        return out;
    }
}
