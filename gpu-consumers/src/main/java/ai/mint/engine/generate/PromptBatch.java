package ai.mint.engine.generate;

import java.util.Arrays;
import java.util.List;

/**
 * Prompts left-padded to one length {@code length}: row-major host arrays of tokens, rotary positions (real tokens
 * from 0) and key mask (1 real, 0 pad), sliced by columns for a prefill chunk. Left padding puts every row's last
 * prompt token in the last column, so each row's cache ends right-aligned, as the batch cache wants it.
 */
record PromptBatch(long[] tokens, long[] positions, long[] keyMask, int rows, int length) {

    PromptBatch(List<int[]> prompts, int padToken) {
        this(prompts, prompts.stream().mapToInt(p -> p.length).max().orElseThrow(), padToken);
    }

    private PromptBatch(List<int[]> prompts, int length, int padToken) {
        this(new long[prompts.size() * length], new long[prompts.size() * length], new long[prompts.size() * length],
                prompts.size(), length);
        for (int r = 0; r < rows; r++) {
            int[] p = prompts.get(r);
            int pad = length - p.length;
            Arrays.fill(tokens, r * length, r * length + pad, padToken);
            for (int j = 0; j < p.length; j++) {
                tokens[r * length + pad + j] = p[j];
                positions[r * length + pad + j] = j;
                keyMask[r * length + pad + j] = 1;
            }
        }
    }

    /** Tokens of columns [from, to) of every row: [rows, to - from] row-major. */
    long[] tokens(int from, int to) {
        return columns(tokens, from, to);
    }

    long[] positions(int from, int to) {
        return columns(positions, from, to);
    }

    /** The key mask of columns [0, to) (what a chunk ending at {@code to} attends over): [rows, to]. */
    long[] keyMask(int to) {
        return columns(keyMask, 0, to);
    }

    private long[] columns(long[] all, int from, int to) {
        int width = to - from;
        long[] out = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(all, r * length + from, out, r * width, width);
        }
        return out;
    }
}
