package ai.mint.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Validates the body of {@code POST /v1/feedback}: {@code id} (a completion id this gateway returned), {@code model}
 * (the policy, as in the completion request; {@code POLICY@REVISION} is taken too), either {@code score} (a number in
 * [-1, 1]) or {@code rating} ({@code "up"} = 1, {@code "down"} = -1), and optionally {@code choice} (which choice of
 * the completion, default 0) and {@code preferred_completion}. A bad or unknown field is a 400 naming it.
 */
public final class FeedbackRequests {

    /** Largest preferred completion taken, in characters (a feedback record stays small). */
    public static final int MAX_PREFERRED_CHARS = 64 * 1024;
    /** Most choices one completion may have had (the gateway's limit on n x prompts is lower). */
    private static final int MAX_CHOICE = 1_000_000;

    /**
     * One checked feedback.
     *
     * @param requestId the inference request the feedback is about
     * @param score     in [-1, 1]
     */
    public record Feedback(String completionId, ModelRef model, String requestId, double score,
                           String preferredCompletion) {
    }

    private FeedbackRequests() {
    }

    public static Feedback parse(JsonNode body) {
        RequestFields f = new RequestFields(body);
        String id = f.requiredString("id");
        ModelRef model = ModelRef.parse(f.requiredString("model"));
        int choice = f.integer("choice", 0, MAX_CHOICE, 0);
        String requestId = CompletionIds.requestOf(id, choice).orElseThrow(() -> ApiError.invalid("id",
                "'id' must be the id of a completion this gateway returned (" + CompletionIds.COMPLETION_PREFIX
                        + "... or " + CompletionIds.CHAT_PREFIX + "...), got " + RequestFields.describe(f.raw("id"))));
        boolean hasScore = f.raw("score") != null;
        boolean hasRating = f.raw("rating") != null;
        if (hasScore == hasRating) {
            throw ApiError.invalid(hasScore ? "rating" : "score", hasScore
                    ? "give 'score' or 'rating', not both"
                    : "'score' (a number in [-1, 1]) or 'rating' (\"up\" or \"down\") is required");
        }
        double score = hasScore ? f.number("score", -1, false, 1, 0) : rating(f.requiredString("rating"));
        String preferred = f.optionalString("preferred_completion");
        if (preferred != null && (preferred.isEmpty() || preferred.length() > MAX_PREFERRED_CHARS)) {
            throw ApiError.invalid("preferred_completion", "'preferred_completion' must hold 1.."
                    + MAX_PREFERRED_CHARS + " characters, got " + preferred.length());
        }
        f.rejectUnknown();
        return new Feedback(id, model, requestId, score, preferred);
    }

    private static double rating(String rating) {
        return switch (rating) {
            case "up" -> 1.0;
            case "down" -> -1.0;
            default -> throw ApiError.invalid("rating", "'rating' must be \"up\" or \"down\", got \""
                    + (rating.length() > 40 ? rating.substring(0, 40) + "..." : rating) + "\"");
        };
    }
}
