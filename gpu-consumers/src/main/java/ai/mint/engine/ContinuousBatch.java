package ai.mint.engine;

import java.util.concurrent.CompletableFuture;

/**
 * Iteration-level (continuous) batching over the resident base: requests join the running batch between decoding
 * iterations and leave as soon as they finish, so a request's latency depends on its own length and not on the
 * longest request it shares the device with. Prompts are prefilled in chunks of a bounded number of tokens, one
 * chunk per iteration, interleaved with the decoding steps of the running rows, so a long prompt does not stall them.
 * A request whose adapter is not on the device yet waits (its load is started at once, off the model thread) without
 * holding up the others; one whose adapter fails to load fails alone, with the reason.
 *
 * <p>{@link #submit} may be called from any thread; {@link #step} and {@link #close} only from the one thread that
 * runs the model's work. Every row gets the tokens and log-probabilities it would get alone.
 */
public interface ContinuousBatch extends AutoCloseable {

    /**
     * Queues a request; its tokens go to {@code sink} as they are sampled and the future completes with its result
     * (or fails with the reason: a bad prompt, an adapter that cannot load, a failed forward).
     */
    CompletableFuture<GenerationResult> submit(GenerationRequest request, TokenSink sink);

    /** One iteration: admits ready requests, runs at most one prefill chunk and one decoding step. Whether it ran any. */
    boolean step();

    /** Whether {@link #step} has work now (running rows, a prefill, a request ready to join or to be failed). */
    boolean runnable();

    /** Requests submitted and not finished (running, prefilling, or waiting for their adapter or for room). */
    int pending();

    /** Fails every unfinished request with {@code reason} and frees the batch's device memory. */
    void close(String reason);

    @Override
    default void close() {
        close("the batch was closed");
    }
}
