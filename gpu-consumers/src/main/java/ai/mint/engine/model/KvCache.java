package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * What attention keeps of past tokens, per layer, in a manager of its own that lives as long as one generation; each
 * step's arrays are attached here and the previous step's are released. Each layer holds a few parts shaped
 * [B, X, S, Y] with the sequence on axis 2: grouped-query attention its keys and values [B, Hkv, S, D]; multi-head
 * latent attention its normalised latent [B, 1, S, C] and rotary key [B, 1, S, dr] (plus DSA's index key
 * [B, 1, S, Di]), never the per-head keys and values they expand to. The layout is the attention's business; the
 * cache only appends and copies rows.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[][] parts; // [layer][part]

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.parts = new NDArray[layers][];
    }

    /** Number of cached positions (0 before the first forward). */
    public long length() {
        return parts[0] == null ? 0 : parts[0][0].getShape().get(2);
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
            all[i] = old == null ? now[i] : old[i].concat(now[i], 2);
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
                bytes += s.size() / (s.get(0) * s.get(2)) * p.getDataType().getNumOfBytes();
            }
        }
        return bytes;
    }

    /**
     * Copies a cache filled for a block of rows (a prefill chunk) into rows {@code [fromRow, fromRow + part rows)} of
     * this one, which holds {@code totalRows} rows: the first call allocates this cache's arrays, later calls fill
     * them in place, so the whole batch's cache exists once, not once per chunk plus once concatenated.
     *
     * @throws IllegalArgumentException if {@code part} does not fit: other layer count, cache length or head shape,
     *                                  or rows past {@code totalRows}
     */
    public void putRows(KvCache part, long fromRow, long totalRows) {
        if (part.parts.length != parts.length || part.parts[0] == null) {
            throw new IllegalArgumentException("cannot copy a cache of " + part.parts.length + " layers"
                    + (part.parts[0] == null ? " that is empty" : "") + " into one of " + parts.length + " layers");
        }
        for (int layer = 0; layer < parts.length; layer++) {
            NDArray[] from = part.parts[layer];
            if (parts[layer] == null) {
                parts[layer] = new NDArray[from.length];
            }
            for (int i = 0; i < from.length; i++) {
                parts[layer][i] = putRows(parts[layer][i], from[i], fromRow, totalRows);
            }
        }
    }

    private NDArray putRows(NDArray whole, NDArray rows, long fromRow, long totalRows) {
        Shape s = rows.getShape(); // [rows, X, S, Y]
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
