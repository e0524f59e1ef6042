package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of past tokens per layer, [B, Hkv, S, D], in a manager of their own that lives as long as one
 * generation; each step's arrays are attached here and the previous step's are released.
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
     * Copies a cache filled for a block of rows (a prefill chunk) into rows {@code [fromRow, fromRow + part rows)} of
     * this one, which holds {@code totalRows} rows: the first call allocates this cache's arrays, later calls fill
     * them in place, so the whole batch's keys/values exist once, not once per chunk plus once concatenated.
     *
     * @throws IllegalArgumentException if {@code part} does not fit: other layer count, cache length or head shape,
     *                                  or rows past {@code totalRows}
     */
    public void putRows(KvCache part, long fromRow, long totalRows) {
        if (part.keys.length != keys.length || part.keys[0] == null) {
            throw new IllegalArgumentException("cannot copy a cache of " + part.keys.length + " layers"
                    + (part.keys[0] == null ? " that is empty" : "") + " into one of " + keys.length + " layers");
        }
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = putRows(keys[layer], part.keys[layer], fromRow, totalRows);
            values[layer] = putRows(values[layer], part.values[layer], fromRow, totalRows);
        }
    }

    private NDArray putRows(NDArray whole, NDArray rows, long fromRow, long totalRows) {
        Shape s = rows.getShape(); // [rows, Hkv, S, D]
        long to = fromRow + s.get(0);
        if (fromRow < 0 || to > totalRows) {
            throw new IllegalArgumentException("cache rows " + fromRow + ".." + (to - 1) + " are outside 0.."
                    + (totalRows - 1));
        }
        if (whole == null) {
            whole = manager.zeros(new Shape(totalRows, s.get(1), s.get(2), s.get(3)), rows.getDataType(),
                    rows.getDevice());
        } else if (!whole.getShape().slice(1).equals(s.slice(1)) || whole.getShape().get(0) != totalRows) {
            throw new IllegalArgumentException("cache block " + s + " does not match the batch cache "
                    + whole.getShape() + " (every chunk must be padded to the same length)");
        }
        whole.set(new NDIndex(fromRow + ":" + to), rows);
        return whole;
    }

    @Override
    public void close() {
        manager.close();
    }
}
