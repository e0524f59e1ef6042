package ai.mint.gateway.openai;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the ids a client sees relate to the ids of the inference requests behind them: a completion answering the
 * requests {@code BASE-0 .. BASE-(k-1)} (one per choice, in choice order) has the id {@code cmpl-BASE} (chat:
 * {@code chatcmpl-BASE}), so that feedback naming a completion and a choice finds the request it is about.
 */
public final class CompletionIds {

    public static final String COMPLETION_PREFIX = "cmpl-";
    public static final String CHAT_PREFIX = "chatcmpl-";
    /** Request bases are an instance id and a UUID: letters, digits, '.', '_' and '-'. */
    private static final Pattern BASE = Pattern.compile("[A-Za-z0-9._-]{1,240}");

    private CompletionIds() {
    }

    /** The id a client sees for the completion whose requests share {@code base}. */
    public static String completion(CompletionJob.Endpoint endpoint, String base) {
        return (endpoint == CompletionJob.Endpoint.CHAT ? CHAT_PREFIX : COMPLETION_PREFIX) + base;
    }

    /** The id of the request that answers choice {@code index} of the completion with this base. */
    public static String request(String base, int index) {
        return base + "-" + index;
    }

    /** The request behind choice {@code index} of completion {@code completionId}; empty for an id not made here. */
    public static Optional<String> requestOf(String completionId, int index) {
        String base = completionId.startsWith(CHAT_PREFIX) ? completionId.substring(CHAT_PREFIX.length())
                : completionId.startsWith(COMPLETION_PREFIX) ? completionId.substring(COMPLETION_PREFIX.length())
                : null;
        return base != null && BASE.matcher(base).matches() ? Optional.of(request(base, index)) : Optional.empty();
    }
}
