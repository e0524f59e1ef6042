package ai.mint.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.SamplingParams;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraDelta;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.KvCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Autoregressive generation for a batch of rows with different adapters: prompts are left-padded to one length, one
 * prefill fills the {@link KvCache}, then each step feeds one token per row. Finished rows keep a place in the batch
 * (their extra tokens are discarded) so the cache stays rectangular.
 */
public final class Generator {

    private final DecoderModel model;
    private final int padToken;

    public Generator(DecoderModel model, int padToken) {
        this.model = model;
        this.padToken = padToken;
    }

    /**
     * @param prompts  token ids per row
     * @param bank     adapters of this batch, or null for the base alone
     * @param rowSlots each row's slot in {@code bank} (0 = no adapter)
     * @throws ai.mint.engine.EngineException if a row's prompt plus its max tokens exceeds the model's positions
     */
    public List<GenerationResult> generate(List<int[]> prompts, List<SamplingParams> params, LoraBank bank,
                                           long[] rowSlots) {
        int b = prompts.size();
        for (int r = 0; r < b; r++) {
            // a position past the rotary table would otherwise surface as a native index error mid-batch
            model.checkFits(prompts.get(r).length, params.get(r).maxTokens());
        }
        int len = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int maxNew = params.stream().mapToInt(SamplingParams::maxTokens).max().orElseThrow();
        int vocab = model.config().vocabSize();
        Sampler[] samplers = new Sampler[b];
        List<List<Integer>> tokens = new ArrayList<>();
        List<List<Float>> logProbs = new ArrayList<>();
        String[] finish = new String[b];
        long[] nextPos = new long[b];
        List<long[]> keyMaskCols = new ArrayList<>(); // one column [B] per cached position
        long[] input = new long[b * len];
        long[] pos = new long[b * len];
        for (int r = 0; r < b; r++) {
            samplers[r] = new Sampler(params.get(r));
            tokens.add(new ArrayList<>());
            logProbs.add(new ArrayList<>());
            int[] p = prompts.get(r);
            int pad = len - p.length;
            Arrays.fill(input, r * len, r * len + pad, padToken);
            for (int j = 0; j < p.length; j++) {
                input[r * len + pad + j] = p[j];
                pos[r * len + pad + j] = j;
            }
            nextPos[r] = p.length;
        }
        for (int j = 0; j < len; j++) {
            long[] col = new long[b];
            for (int r = 0; r < b; r++) {
                col[r] = j >= len - prompts.get(r).length ? 1 : 0;
            }
            keyMaskCols.add(col);
        }
        try (NDManager gen = model.base().manager().newSubManager(); KvCache cache = new KvCache(gen,
                model.config().numLayers())) {
            LoraDelta lora = bank == null ? null : bank.bind(gen.create(rowSlots));
            int stepLen = len;
            for (int step = 0; step < maxNew; step++) {
                float[] last;
                try (NDManager s = gen.newSubManager()) {
                    NDArray logits = model.forward(s.create(input, new Shape(b, stepLen)),
                            s.create(pos, new Shape(b, stepLen)), keyMask(s, keyMaskCols, b), lora, cache);
                    last = logits.get(new NDIndex(":, -1, :")).toFloatArray(); // [B, V]
                }
                boolean allDone = true;
                input = new long[b];
                pos = new long[b];
                for (int r = 0; r < b; r++) {
                    if (finish[r] == null) {
                        Sampler.Choice c = samplers[r].next(last, r * vocab, vocab);
                        tokens.get(r).add(c.token());
                        logProbs.get(r).add(c.logProb());
                        if (params.get(r).stopTokens().contains(c.token())) {
                            finish[r] = "stop";
                        } else if (tokens.get(r).size() >= params.get(r).maxTokens()) {
                            finish[r] = "length";
                        }
                        input[r] = c.token();
                    } else {
                        input[r] = padToken;
                    }
                    allDone &= finish[r] != null;
                    pos[r] = nextPos[r]++;
                }
                if (allDone) {
                    break;
                }
                long[] ones = new long[b];
                Arrays.fill(ones, 1);
                keyMaskCols.add(ones);
                stepLen = 1;
            }
        }
        List<GenerationResult> results = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            int[] t = tokens.get(r).stream().mapToInt(Integer::intValue).toArray();
            float[] lp = new float[t.length];
            for (int i = 0; i < lp.length; i++) {
                lp[i] = logProbs.get(r).get(i);
            }
            results.add(new GenerationResult(t, lp, finish[r] == null ? "length" : finish[r]));
        }
        return results;
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
