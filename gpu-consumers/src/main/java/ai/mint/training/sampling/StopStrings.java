package ai.mint.training.sampling;

import ai.mint.engine.GenerationResult;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Ends a completion at the first stop string: keeps the shortest token prefix whose text contains one of the strings
 * (the string itself stays, as an end token does) and marks it {@code stop}. The engine generates up to max_tokens
 * and this cuts afterwards, so a stop string saves no compute, only what the caller sees.
 */
public final class StopStrings {

    private StopStrings() {
    }

    /** {@code result} cut at the first of {@code stop}, or unchanged when its text contains none. */
    public static GenerationResult apply(GenerationResult result, List<String> stop, Function<int[], String> decode) {
        if (stop.isEmpty() || !containsAny(decode.apply(result.tokens()), stop)) {
            return result;
        }
        int[] tokens = result.tokens();
        // the shortest prefix that contains a stop string; containment only grows with the prefix
        int lo = 1;
        int hi = tokens.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (containsAny(decode.apply(Arrays.copyOf(tokens, mid)), stop)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return new GenerationResult(Arrays.copyOf(tokens, lo), Arrays.copyOf(result.logProbs(), lo), "stop");
    }

    private static boolean containsAny(String text, List<String> stop) {
        for (String s : stop) {
            if (text.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
