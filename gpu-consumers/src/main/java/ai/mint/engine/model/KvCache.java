package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of past tokens per layer, [B, Hkv, S, D], in a manager of their own. Rows are right-aligned: each
 * row's real keys are its last {@code length} columns (left padding, masked out, before them), so one decoding step
 * appends one column for every row. Rows can leave ({@link #keepRows}, which also drops leading columns no row needs
 * any more) and join ({@link #join}, padding whichever side is shorter on the left), which is what continuous
 * batching does between steps.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Number of cached positions (0 before the first forward). */
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    /** Number of rows (0 before the first forward). */
    public long rows() {
        return keys[0] == null ? 0 : keys[0].getShape().get(0);
    }

    /** Appends this step's k, v [B, Hkv, T, D] and returns the whole history [B, Hkv, S, D]. */
    NDList append(int layer, NDArray k, NDArray v) {
        NDArray allK = keys[layer] == null ? k : keys[layer].concat(k, 2);
        NDArray allV = values[layer] == null ? v : values[layer].concat(v, 2);
        allK.attach(manager);
        allV.attach(manager);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = allK;
        values[layer] = allV;
        return new NDList(allK, allV);
    }

    /**
     * Keeps only {@code rows} (in that order) and drops the first {@code leadingColumns} columns, which must be padding
     * for every kept row. With no row kept the cache is empty again.
     */
    public void keepRows(long[] rows, long leadingColumns) {
        if (keys[0] == null) {
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
            for (int layer = 0; layer < keys.length; layer++) {
                keys[layer] = replace(keys[layer], select(scratch, keys[layer], index, leadingColumns));
                values[layer] = replace(values[layer], select(scratch, values[layer], index, leadingColumns));
            }
        }
    }

    /** Rows {@code index} of {@code x} [B, Hkv, S, D] from column {@code from} on; intermediates die with scratch. */
    private static NDArray select(NDManager scratch, NDArray x, NDArray index, long from) {
        NDArray rows = x.get(new NDIndex("{}", index)); // lands in x's manager: hand it to scratch
        rows.attach(scratch);
        return from == 0 ? rows : rows.get(new NDIndex(":, :, " + from + ":"));
    }

    /**
     * Appends the rows of {@code part} (a cache filled for other rows, e.g. a prefill) below this cache's rows,
     * right-aligned: the shorter side is padded with zero columns on the left. {@code part} is left as it was.
     *
     * @throws IllegalArgumentException if {@code part} has another layer count or head shape, or is empty
     */
    public void join(KvCache part) {
        if (part.keys.length != keys.length || part.keys[0] == null) {
            throw new IllegalArgumentException("cannot join a cache of " + part.keys.length + " layers"
                    + (part.keys[0] == null ? " that is empty" : "") + " into one of " + keys.length + " layers");
        }
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = joined(keys[layer], part.keys[layer]);
            values[layer] = joined(values[layer], part.values[layer]);
        }
    }

    private NDArray joined(NDArray mine, NDArray theirs) {
        if (mine == null) {
            NDArray copy = theirs.duplicate(); // [b, Hkv, S, D], owned here: part may be closed right after
            copy.attach(manager);
            return copy;
        }
        Shape a = mine.getShape();
        Shape b = theirs.getShape();
        if (!a.slice(1, 2).equals(b.slice(1, 2)) || a.get(3) != b.get(3)) {
            throw new IllegalArgumentException("cache block " + b + " does not match the cache " + a);
        }
        long columns = Math.max(a.get(2), b.get(2));
        try (NDManager scratch = manager.newSubManager()) {
            NDArray top = padLeft(scratch, mine, columns);
            NDArray bottom = padLeft(scratch, theirs, columns);
            NDArray all = top.concat(bottom, 0);
            all.attach(manager);
            mine.close();
            return all;
        }
    }

    /** {@code x} [B, Hkv, S, D] with zero columns in front up to {@code columns}. */
    private static NDArray padLeft(NDManager scratch, NDArray x, long columns) {
        Shape s = x.getShape();
        if (s.get(2) == columns) {
            return x;
        }
        NDArray pad = scratch.zeros(new Shape(s.get(0), s.get(1), columns - s.get(2), s.get(3)), x.getDataType(),
                x.getDevice());
        NDArray padded = pad.concat(x, 2);
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
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] != null) {
                keys[layer].close();
                values[layer].close();
            }
            keys[layer] = null;
            values[layer] = null;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
