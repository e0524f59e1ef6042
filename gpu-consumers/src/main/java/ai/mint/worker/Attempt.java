package ai.mint.worker;

/**
 * The outcome of handling one request of a batch: its reply, or the exception that refused it. Batched handlers
 * return one per request, so one bad request does not fail the others.
 */
public record Attempt(Reply reply, RuntimeException error) {

    static Attempt of(Reply reply) {
        return new Attempt(reply, null);
    }

    static Attempt failed(RuntimeException error) {
        return new Attempt(null, error);
    }

    /** The reply, or the refusal thrown. */
    public Reply get() {
        if (error != null) {
            throw error;
        }
        return reply;
    }
}
