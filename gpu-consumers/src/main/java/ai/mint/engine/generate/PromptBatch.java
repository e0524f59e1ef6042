package ai.mint.engine.generate;

import java.util.Arrays;
import java.util.List;

/**
 * Prompts left-padded to one length {@code length}: row-major host arrays of tokens, rotary positions (real tokens
 * from 0) and key mask (1 real, 0 pad), sliced by rows for a prefill chunk. Every slice keeps the whole batch's
 * length, so chunks' caches line up position by position.
 */
record PromptBatch(long[] tokens, long[] positions, long[] keyMask, int rows, int length) {

    PromptBatch(List<int[]> prompts, int length, int padToken) {
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

    long[] tokens(int from, int to) {
        return Arrays.copyOfRange(tokens, from * length, to * length);
    }

    long[] positions(int from, int to) {
        return Arrays.copyOfRange(positions, from * length, to * length);
    }

    long[] keyMask(int from, int to) {
        return Arrays.copyOfRange(keyMask, from * length, to * length);
    }
}
