package ai.mint.feedback;

/**
 * The feedback join's timing.
 *
 * @param windowMs        how late feedback may come after its response (by their event times)
 * @param graceMs         how long (wall clock) feedback waits for a response it arrived before
 * @param checkIntervalMs how often (wall clock) waiting feedback is checked against its grace
 */
public record FeedbackWindow(long windowMs, long graceMs, long checkIntervalMs) {

    public FeedbackWindow {
        if (windowMs < 1 || graceMs < 0 || checkIntervalMs < 1) {
            throw new IllegalArgumentException("feedback window " + windowMs + " ms must be >= 1, grace " + graceMs
                    + " ms >= 0, check interval " + checkIntervalMs + " ms >= 1");
        }
    }

    public static FeedbackWindow defaults() {
        return new FeedbackWindow(FeedbackConfig.DEFAULT_WINDOW_MS, FeedbackConfig.DEFAULT_GRACE_MS,
                FeedbackConfig.DEFAULT_CHECK_INTERVAL_MS);
    }

    /**
     * How long responses, request tenants and seen feedback are held: twice the window, so that feedback a little
     * past the window is told apart (FEEDBACK_TOO_LATE) from feedback on a request never seen (UNKNOWN_REQUEST).
     */
    public long retentionMs() {
        return 2 * windowMs;
    }
}
