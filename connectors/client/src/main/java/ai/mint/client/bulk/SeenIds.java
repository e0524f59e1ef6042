package ai.mint.client.bulk;

import java.nio.charset.StandardCharsets;

/**
 * The policy ids of an import so far, each with the line it came on, in 12 bytes per id (a 64-bit hash and a line
 * number in open addressing), so that a file of 10^6 policies needs about 24 MB instead of a set of strings. Two
 * different ids share a hash with a probability near 10^-8 at 10^6 ids; such a pair would be reported as a duplicate.
 */
final class SeenIds {

    private static final long EMPTY = 0;

    private long[] hashes = new long[1 << 16];
    private int[] lines = new int[1 << 16];
    private int size;

    /** Records {@code id} as seen on {@code line}; returns the earlier line it was seen on, or 0 if it is new. */
    int add(String id, int line) {
        if ((size + 1) * 2 > hashes.length) {
            grow();
        }
        long hash = hash(id);
        int mask = hashes.length - 1;
        for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
            if (hashes[i] == EMPTY) {
                hashes[i] = hash;
                lines[i] = line;
                size++;
                return 0;
            }
            if (hashes[i] == hash) {
                return lines[i];
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldLines = lines;
        hashes = new long[oldHashes.length * 2];
        lines = new int[oldLines.length * 2];
        int mask = hashes.length - 1;
        for (int j = 0; j < oldHashes.length; j++) {
            long hash = oldHashes[j];
            if (hash == EMPTY) {
                continue;
            }
            int i = (int) (hash ^ (hash >>> 32)) & mask;
            while (hashes[i] != EMPTY) {
                i = (i + 1) & mask;
            }
            hashes[i] = hash;
            lines[i] = oldLines[j];
        }
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, finished with a mixer; never {@link #EMPTY}. */
    private static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == EMPTY ? 1 : h;
    }
}
