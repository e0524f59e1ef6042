package ai.mint.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraDelta;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.KvCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Autoregressive generation for a batch of rows with different adapters: prompts are left-padded to one length, a
 * prefill fills the {@link KvCache}, then each step feeds one token per row. Finished rows keep a place in the batch
 * (their extra tokens are discarded) so the cache stays rectangular.
 *
 * <p>The prefill runs in chunks of at most {@code prefillRows} rows, each in its own manager, and copies each chunk's
 * keys/values into the batch cache: its activations (the [rows, Hkv, G, T, T] attention scores, the [rows, T, V]
 * logits, the rows' gathered LoRA factors) then scale with the chunk, not with the batch, so a batch of K policies
 * peaks near one policy's prefill. Every row is padded to the batch's prompt length in every chunk, so the tokens are
 * those of one unchunked prefill.
 */
public final class Generator {

    /** Rows per prefill chunk unless told otherwise: one policy's rollout group (4 prompts x 8 samples). */
    public static final int DEFAULT_PREFILL_ROWS = 32;

    private final DecoderModel model;
    private final int padToken;
    private final int prefillRows;

    public Generator(DecoderModel model, int padToken) {
        this(model, padToken, DEFAULT_PREFILL_ROWS);
    }

    /** @param prefillRows most rows per prefill forward; {@code Integer.MAX_VALUE} prefills the batch at once */
    public Generator(DecoderModel model, int padToken, int prefillRows) {
        if (prefillRows < 1) {
            throw new EngineException("prefill rows per chunk must be >= 1, got " + prefillRows);
        }
        this.model = model;
        this.padToken = padToken;
        this.prefillRows = prefillRows;
    }

    public int prefillRows() {
        return prefillRows;
    }

    /**
     * @param prompts  token ids per row
     * @param bank     adapters of this batch, or null for the base alone
     * @param rowSlots each row's slot in {@code bank} (0 = no adapter)
     * @throws ai.mint.engine.EngineException if the lists differ in length, a prompt is empty, or a row's prompt plus
     *                                        its max tokens exceeds the model's positions
     */
    public List<GenerationResult> generate(List<int[]> prompts, List<GenerationParams> params, LoraBank bank,
                                           long[] rowSlots) {
        int b = prompts.size();
        if (b == 0 || params.size() != b || rowSlots.length != b) {
            throw new EngineException("generate needs one sampling params and one slot per prompt and at least one "
                    + "prompt; got " + b + " prompts, " + params.size() + " params, " + rowSlots.length + " slots");
        }
        for (int r = 0; r < b; r++) {
            if (prompts.get(r).length == 0) {
                throw new EngineException("prompt of row " + r + " is empty");
            }
            // a position past the rotary table would otherwise surface as a native index error mid-batch
            model.checkFits(prompts.get(r).length, params.get(r).maxTokens());
        }
        int len = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int maxNew = params.stream().mapToInt(GenerationParams::maxTokens).max().orElseThrow();
        Rows rows = new Rows(params);
        long[] nextPos = new long[b];
        List<long[]> keyMaskCols = new ArrayList<>(); // one column [B] per cached position
        for (int j = 0; j < len; j++) {
            long[] col = new long[b];
            for (int r = 0; r < b; r++) {
                col[r] = j >= len - prompts.get(r).length ? 1 : 0;
            }
            keyMaskCols.add(col);
        }
        for (int r = 0; r < b; r++) {
            nextPos[r] = prompts.get(r).length;
        }
        try (NDManager gen = model.base().manager().newSubManager(); KvCache cache = new KvCache(gen,
                model.config().numLayers())) {
            float[] last = prefill(gen, cache, new PromptBatch(prompts, len, padToken), bank, rowSlots);
            LoraDelta lora = null;
            for (int step = 0; ; step++) {
                long[] input = new long[b];
                long[] pos = new long[b];
                boolean allDone = rows.sample(last, padToken, input);
                int lastPosition = model.maxPositions() - 1;
                for (int r = 0; r < b; r++) {
                    // a row past its own max tokens only keeps the cache rectangular and its tokens are discarded;
                    // its position is clamped so a long-prompt row that fits alone cannot overrun the table
                    pos[r] = Math.min(nextPos[r]++, lastPosition);
                }
                if (allDone || step + 1 >= maxNew) {
                    break;
                }
                long[] ones = new long[b];
                Arrays.fill(ones, 1);
                keyMaskCols.add(ones);
                if (lora == null && bank != null) {
                    // gathered once for the whole decode (every step needs every row's factors)
                    lora = bank.bind(gen.create(rowSlots));
                }
                // each step's activations live in their own manager and are freed before the next step
                try (NDManager s = gen.newSubManager()) {
                    NDArray logits = model.forward(s.create(input, new Shape(b, 1)), s.create(pos, new Shape(b, 1)),
                            keyMask(s, keyMaskCols, b), lora, cache);
                    last = logits.get(new NDIndex(":, -1, :")).toFloatArray(); // [B, V]
                }
            }
        }
        return rows.results();
    }

    /** Last-position logits [B * V] of every row after filling {@code cache} with the prompts, chunk by chunk. */
    private float[] prefill(NDManager gen, KvCache cache, PromptBatch batch, LoraBank bank, long[] rowSlots) {
        int b = batch.rows();
        if (b <= prefillRows) {
            return lastLogits(gen, cache, batch, 0, b, bank, rowSlots);
        }
        int vocab = model.config().vocabSize();
        float[] last = new float[b * vocab];
        for (int from = 0; from < b; from += prefillRows) {
            int to = Math.min(b, from + prefillRows);
            try (NDManager chunk = gen.newSubManager(); KvCache part = new KvCache(chunk,
                    model.config().numLayers())) {
                float[] l = lastLogits(chunk, part, batch, from, to, bank, rowSlots);
                System.arraycopy(l, 0, last, from * vocab, l.length);
                cache.putRows(part, from, b);
            }
        }
        return last;
    }

    /** One prefill forward of rows [from, to) into {@code cache}; its activations die with a sub-manager. */
    private float[] lastLogits(NDManager parent, KvCache cache, PromptBatch batch, int from, int to, LoraBank bank,
                               long[] rowSlots) {
        try (NDManager s = parent.newSubManager()) {
            Shape shape = new Shape(to - from, batch.length());
            LoraDelta lora = bank == null ? null : bank.bind(s.create(Arrays.copyOfRange(rowSlots, from, to)));
            NDArray logits = model.forward(s.create(batch.tokens(from, to), shape),
                    s.create(batch.positions(from, to), shape), s.create(batch.keyMask(from, to), shape), lora, cache);
            return logits.get(new NDIndex(":, -1, :")).toFloatArray(); // [rows, V]
        }
    }

    private static NDArray keyMask(NDManager m, List<long[]> cols, int b) {
        int s = cols.size();
        long[] mask = new long[b * s];
        for (int j = 0; j < s; j++) {
            for (int r = 0; r < b; r++) {
                mask[r * s + j] = cols.get(j)[r];
            }
        }
        return m.create(mask, new Shape(b, s));
    }
}
