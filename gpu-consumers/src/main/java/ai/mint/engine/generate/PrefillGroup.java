package ai.mint.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.RowFactors;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.KvCache;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of a continuous batch whose prompts are being prefilled together, a chunk of columns per iteration, in a
 * manager of their own: their left-padded prompts, the cache they fill and their gathered LoRA factors. Once the last
 * chunk has run, the rows join the running batch (cache and factors move into it) and the group is closed.
 */
final class PrefillGroup implements AutoCloseable {

    final List<Row> rows;
    final NDManager manager;
    final KvCache cache;
    final RowFactors factors;
    private final PromptBatch prompts;
    private int done;

    PrefillGroup(DecoderModel model, NDManager parent, List<Row> rows, int padToken) {
        this.rows = List.copyOf(rows);
        this.manager = parent.newSubManager();
        List<int[]> p = new ArrayList<>(rows.size());
        rows.forEach(r -> p.add(r.request.promptTokens()));
        this.prompts = new PromptBatch(p, padToken);
        this.cache = new KvCache(manager, model.config().numLayers());
        List<DeviceAdapter> distinct = new ArrayList<>();
        long[] slots = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            DeviceAdapter a = rows.get(i).adapter;
            if (a != null) {
                int at = distinct.indexOf(a);
                if (at < 0) {
                    at = distinct.size();
                    distinct.add(a);
                }
                slots[i] = at + 1L; // slot 0 is the bank's "no adapter"
            }
        }
        if (distinct.isEmpty()) {
            this.factors = RowFactors.none(manager, rows.size());
        } else {
            // the gathered factors are copies in this manager: the bank can go at once
            try (LoraBank bank = LoraBank.stack(manager, model.config(), distinct)) {
                this.factors = bank.bind(manager.create(slots));
            }
        }
    }

    /** Padded prompt columns of the group. */
    int length() {
        return prompts.length();
    }

    /**
     * Prefills the next {@code columns} columns. Returns the last column's logits [rows * V] after the final chunk,
     * null before.
     */
    float[] next(DecoderModel model, int columns) {
        int from = done;
        int to = Math.min(prompts.length(), from + columns);
        int n = rows.size();
        try (NDManager s = manager.newSubManager()) {
            Shape shape = new Shape(n, to - from);
            NDArray logits = model.forward(s.create(prompts.tokens(from, to), shape),
                    s.create(prompts.positions(from, to), shape), s.create(prompts.keyMask(to), new Shape(n, to)),
                    factors.isEmpty() ? null : factors, cache); // [rows, to - from, V]
            done = to;
            return done == prompts.length() ? logits.get(new NDIndex(":, -1, :")).toFloatArray() : null;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
