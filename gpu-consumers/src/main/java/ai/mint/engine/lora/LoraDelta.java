package ai.mint.engine.lora;

import ai.djl.ndarray.NDArray;

/**
 * The low-rank corrections of one batch, each row with its own adapter. The forward pass adds what this returns to
 * the base projection computed once for all rows. A null return means no row has an adapter on that key.
 */
public interface LoraDelta {

    /** True if some row's adapter has factors for {@code key}. */
    boolean covers(LoraKey key);

    /** A layer's own or shared-expert projection: {@code x} [B, T, in] gives the delta [B, T, out]. */
    NDArray delta(LoraKey key, NDArray x);

    /** Routed experts ({@code key} at EXPERTS): {@code x} [B, 1|E, T, in] gives the delta [B, E, T, out]. */
    NDArray expertDelta(LoraKey key, NDArray x);

    /**
     * Routed experts computed sparsely: row {@code i} of {@code x} [M, in] went to expert {@code experts[i]} and
     * belongs to batch row {@code rows[i]} (both [M] int64); gives each row's delta through its own adapter's factors
     * for that expert, [M, out], or null when no row has an adapter on this key.
     */
    default NDArray expertRowsDelta(LoraKey key, NDArray x, NDArray rows, NDArray experts) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot compute per-row expert deltas");
    }

    /** True if {@link #expertRowsDelta} is implemented; MoE layers run dense-masked for a delta that has none. */
    default boolean hasExpertRowsDelta() {
        return false;
    }
}
