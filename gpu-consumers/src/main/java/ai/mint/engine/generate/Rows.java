package ai.mint.engine.generate;

import ai.mint.engine.GenerationResult;
import ai.mint.engine.GenerationParams;

import java.util.ArrayList;
import java.util.List;

/**
 * What each row of a generation batch has produced so far: its sampler, tokens, log-probs and why it finished.
 * Rows that have finished keep feeding the pad token so the batch stays rectangular.
 */
final class Rows {

    private final List<GenerationParams> params;
    private final Sampler[] samplers;
    private final List<List<Integer>> tokens = new ArrayList<>();
    private final List<List<Float>> logProbs = new ArrayList<>();
    private final String[] finish;

    Rows(List<GenerationParams> params) {
        this.params = params;
        int b = params.size();
        this.samplers = new Sampler[b];
        this.finish = new String[b];
        for (int r = 0; r < b; r++) {
            samplers[r] = new Sampler(params.get(r));
            tokens.add(new ArrayList<>());
            logProbs.add(new ArrayList<>());
        }
    }

    /**
     * Picks every unfinished row's next token from {@code last} [B * V] and writes the next input of each row into
     * {@code input} (the pad token for finished rows).
     *
     * @return whether every row has now finished
     */
    boolean sample(float[] last, int padToken, long[] input) {
        int vocab = last.length / samplers.length;
        boolean allDone = true;
        for (int r = 0; r < samplers.length; r++) {
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
        }
        return allDone;
    }

    List<GenerationResult> results() {
        List<GenerationResult> results = new ArrayList<>();
        for (int r = 0; r < samplers.length; r++) {
            int[] t = tokens.get(r).stream().mapToInt(Integer::intValue).toArray();
            float[] lp = new float[t.length];
            for (int i = 0; i < lp.length; i++) {
                lp[i] = logProbs.get(r).get(i);
            }
            results.add(new GenerationResult(t, lp, finish[r] == null ? "length" : finish[r]));
        }
        return results;
    }
}
