package ai.mint.api;

import java.util.Arrays;

/**
 * One training example, shaped like Tinker's {@code Datum}: the tokens fed to the model and, per position, the token
 * it should predict, that token's weight (0 = not trained on, e.g. the prompt), and for policy-gradient losses the
 * log-prob it was sampled with and its advantage. All per-position arrays have the length of {@code inputTokens}.
 */
public record Datum(int[] inputTokens, int[] targetTokens, float[] weights, float[] samplingLogprobs, float[] advantages) {

    public Datum {
        int n = inputTokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("a datum needs at least one input token");
        }
        requireLength("targetTokens", targetTokens.length, n);
        requireLength("weights", weights.length, n);
        if (samplingLogprobs != null) {
            requireLength("samplingLogprobs", samplingLogprobs.length, n);
        }
        if (advantages != null) {
            requireLength("advantages", advantages.length, n);
        }
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(weights[i]) || weights[i] < 0) {
                throw new IllegalArgumentException("weights[" + i + "] must be finite and >= 0, got " + weights[i]);
            }
        }
    }

    private static void requireLength(String field, int got, int want) {
        if (got != want) {
            throw new IllegalArgumentException("Datum." + field + " has " + got + " entries, inputTokens has " + want);
        }
    }

    public int length() {
        return inputTokens.length;
    }

    /**
     * Supervised example from a full sequence: predicts tokens {@code 1..n-1} from {@code 0..n-2}, training only on
     * positions at or after {@code promptLength} (the completion).
     */
    public static Datum supervised(int[] sequence, int promptLength) {
        return fromSequence(sequence, promptLength, null, 0f);
    }

    /**
     * Policy-gradient example: a prompt followed by a sampled completion, the completion's sampling log-probs (one per
     * completion token) and one advantage for the whole completion, spread over its tokens.
     */
    public static Datum rollout(int[] prompt, int[] completion, float[] completionLogprobs, float advantage) {
        if (completionLogprobs.length != completion.length) {
            throw new IllegalArgumentException(completion.length + " completion tokens but "
                    + completionLogprobs.length + " log-probs");
        }
        int[] seq = Arrays.copyOf(prompt, prompt.length + completion.length);
        System.arraycopy(completion, 0, seq, prompt.length, completion.length);
        return fromSequence(seq, prompt.length, completionLogprobs, advantage);
    }

    private static Datum fromSequence(int[] seq, int promptLength, float[] completionLogprobs, float advantage) {
        if (promptLength < 1 || promptLength >= seq.length) {
            throw new IllegalArgumentException("prompt length must be in [1, " + (seq.length - 1) + "], got " + promptLength);
        }
        int n = seq.length - 1;
        int[] input = Arrays.copyOf(seq, n);
        int[] target = Arrays.copyOfRange(seq, 1, seq.length);
        float[] weights = new float[n];
        float[] logprobs = completionLogprobs == null ? null : new float[n];
        float[] adv = completionLogprobs == null ? null : new float[n];
        for (int pos = promptLength - 1; pos < n; pos++) { // position pos predicts seq[pos + 1]
            weights[pos] = 1f;
            if (logprobs != null) {
                logprobs[pos] = completionLogprobs[pos - (promptLength - 1)];
                adv[pos] = advantage;
            }
        }
        return new Datum(input, target, weights, logprobs, adv);
    }
}
