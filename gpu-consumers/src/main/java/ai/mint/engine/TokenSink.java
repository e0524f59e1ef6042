package ai.mint.engine;

/**
 * Receives the tokens of one generation request as they are sampled (token streaming). Called on the model thread
 * right after each decoding iteration: it must only record or hand off, never block.
 */
@FunctionalInterface
public interface TokenSink {

    /** Ignores every token. */
    TokenSink NONE = (index, token, logProb) -> {
    };

    /** The {@code index}-th generated token (from 0) and its log-probability. */
    void token(int index, int token, float logProb);
}
