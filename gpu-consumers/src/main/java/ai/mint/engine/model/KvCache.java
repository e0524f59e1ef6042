package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * What attention keeps of past tokens, per layer, in a manager of its own; each step's arrays are attached here and
 * the previous step's are released. Each layer holds a few parts shaped [B, X, S, Y] with the sequence on axis 2:
 * grouped-query attention its keys and values [B, Hkv, S, D]; multi-head latent attention its normalised latent
 * [B, 1, S, C] and rotary key [B, 1, S, dr] (plus DSA's index key [B, 1, S, Di]), never the per-head keys and values
 * they expand to. The layout is the attention's business; the cache only appends, selects and joins rows.
 *
 * <p>Rows are right-aligned: each row's real positions are its last {@code length} columns (left padding, masked
 * out, before them), so one decoding step appends one column for every row. Rows can leave ({@link #keepRows}, which
 * also drops leading columns no row needs any more) and join ({@link #join}, padding whichever side is shorter on the
 * left), which is what continuous batching does between steps; both work on every part alike, so they serve either
 * attention.
 */
public final class KvCache implements AutoCloseable {

    private static final int SEQUENCE_AXIS = 2;

    private final NDManager manager;
    private final NDArray[][] parts; // [layer][part], each [B, X, S, Y]

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.parts = new NDArray[layers][];
    }

    /** Number of cached positions (0 before the first forward). */
    public long length() {
        return parts[0] == null ? 0 : parts[0][0].getShape().get(SEQUENCE_AXIS);
    }

    /** Number of rows (0 before the first forward). */
    public long rows() {
        return parts[0] == null ? 0 : parts[0][0].getShape().get(0);
    }

    /** Appends this step's k, v [B, Hkv, T, D] and returns the whole history [B, Hkv, S, D]. */
    NDList append(int layer, NDArray k, NDArray v) {
        return appendParts(layer, k, v);
    }

    /** Appends this step's parts, each [B, X, T, Y], and returns each part's whole history [B, X, S, Y]. */
    NDList appendParts(int layer, NDArray... now) {
        NDArray[] old = parts[layer];
        if (old != null && old.length != now.length) {
            throw new IllegalArgumentException("layer " + layer + " caches " + old.length + " parts, got "
                    + now.length);
        }
        NDArray[] all = new NDArray[now.length];
        for (int i = 0; i < now.length; i++) {
            all[i] = old == null ? now[i] : old[i].concat(now[i], SEQUENCE_AXIS);
            all[i].attach(manager);
            if (old != null) {
                old[i].close();
            }
        }
        parts[layer] = all;
        return new NDList(all);
    }

    /**
     * Device bytes this cache holds per cached position and row, over all layers and parts (0 while empty): what the
     * attention's layout costs a token.
     */
    public long bytesPerPosition() {
        if (parts[0] == null) {
            return 0;
        }
        long bytes = 0;
        for (NDArray[] layer : parts) {
            for (NDArray p : layer) {
                Shape s = p.getShape();
                bytes += s.size() / (s.get(0) * s.get(SEQUENCE_AXIS)) * p.getDataType().getNumOfBytes();
            }
        }
        return bytes;
    }

    /**
     * Keeps only {@code rows} (in that order) and drops the first {@code leadingColumns} columns, which must be padding
     * for every kept row. With no row kept the cache is empty again.
     */
    public void keepRows(long[] rows, long leadingColumns) {
        if (parts[0] == null) {
            return;
        }
        if (leadingColumns < 0 || leadingColumns > length()) {
            throw new IllegalArgumentException("cannot drop " + leadingColumns + " of " + length() + " columns");
        }
        if (rows.length == 0) {
            clear();
            return;
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray index = scratch.create(rows);
            for (NDArray[] layer : parts) {
                for (int i = 0; i < layer.length; i++) {
                    layer[i] = replace(layer[i], select(scratch, layer[i], index, leadingColumns));
                }
            }
        }
    }

    /** Rows {@code index} of {@code x} [B, X, S, Y] from column {@code from} on; intermediates die with scratch. */
    private static NDArray select(NDManager scratch, NDArray x, NDArray index, long from) {
        NDArray rows = x.get(new NDIndex("{}", index)); // lands in x's manager: hand it to scratch
        rows.attach(scratch);
        return from == 0 ? rows : rows.get(new NDIndex(":, :, " + from + ":"));
    }

    /**
     * Appends the rows of {@code part} (a cache filled for other rows, e.g. a prefill) below this cache's rows,
     * right-aligned: the shorter side is padded with zero columns on the left. {@code part} is left as it was.
     *
     * @throws IllegalArgumentException if {@code part} has another layer count, part count or head shape, or is empty
     */
    public void join(KvCache part) {
        if (part.parts.length != parts.length || part.parts[0] == null) {
            throw new IllegalArgumentException("cannot join a cache of " + part.parts.length + " layers"
                    + (part.parts[0] == null ? " that is empty" : "") + " into one of " + parts.length + " layers");
        }
        for (int layer = 0; layer < parts.length; layer++) {
            NDArray[] theirs = part.parts[layer];
            NDArray[] mine = parts[layer];
            if (mine != null && mine.length != theirs.length) {
                throw new IllegalArgumentException("layer " + layer + " caches " + mine.length + " parts, the joining"
                        + " rows " + theirs.length);
            }
            NDArray[] all = new NDArray[theirs.length];
            for (int i = 0; i < theirs.length; i++) {
                all[i] = joined(mine == null ? null : mine[i], theirs[i]);
            }
            parts[layer] = all;
        }
    }

    private NDArray joined(NDArray mine, NDArray theirs) {
        if (mine == null) {
            NDArray copy = theirs.duplicate(); // [b, X, S, Y], owned here: part may be closed right after
            copy.attach(manager);
            return copy;
        }
        Shape a = mine.getShape();
        Shape b = theirs.getShape();
        if (a.get(1) != b.get(1) || a.get(3) != b.get(3)) {
            throw new IllegalArgumentException("cache block " + b + " does not match the cache " + a);
        }
        long columns = Math.max(a.get(SEQUENCE_AXIS), b.get(SEQUENCE_AXIS));
        try (NDManager scratch = manager.newSubManager()) {
            NDArray top = padLeft(scratch, mine, columns);
            NDArray bottom = padLeft(scratch, theirs, columns);
            NDArray all = top.concat(bottom, 0);
            all.attach(manager);
            mine.close();
            return all;
        }
    }

    /** {@code x} [B, X, S, Y] with zero columns in front up to {@code columns}. */
    private static NDArray padLeft(NDManager scratch, NDArray x, long columns) {
        Shape s = x.getShape();
        if (s.get(SEQUENCE_AXIS) == columns) {
            return x;
        }
        NDArray pad = scratch.zeros(new Shape(s.get(0), s.get(1), columns - s.get(SEQUENCE_AXIS), s.get(3)),
                x.getDataType(), x.getDevice());
        NDArray padded = pad.concat(x, SEQUENCE_AXIS);
        padded.attach(scratch);
        return padded;
    }

    private NDArray replace(NDArray old, NDArray fresh) {
        fresh.attach(manager);
        old.close();
        return fresh;
    }

    /** Drops every row and column. */
    public void clear() {
        for (int layer = 0; layer < parts.length; layer++) {
            if (parts[layer] != null) {
                for (NDArray p : parts[layer]) {
                    p.close();
                }
            }
            parts[layer] = null;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
