package ai.mint.engine.generate;

import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.TokenSink;
import ai.mint.engine.lora.DeviceAdapter;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request in a continuous batch: its sampler, the tokens and log-probs it has produced, how many keys it has in
 * the batch cache, the adapter copy it holds while it runs, and the future its result goes to.
 */
final class Row {

    private static final Logger LOG = LoggerFactory.getLogger(Row.class);

    final GenerationRequest request;
    final TokenSink sink;
    final CompletableFuture<GenerationResult> result;
    private final Sampler sampler;
    private int[] tokens = new int[8];
    private float[] logProbs = new float[8];
    private int produced;
    private String finish;
    /** Real keys of this row in the batch cache (its prompt, then one per token fed back). */
    int length;
    /** The adapter's device copy while the row runs; null for the base alone. */
    DeviceAdapter adapter;

    Row(GenerationRequest request, TokenSink sink, CompletableFuture<GenerationResult> result) {
        this.request = request;
        this.sink = sink;
        this.result = result;
        this.sampler = new Sampler(request.sampling());
    }

    String adapterId() {
        return request.adapterId();
    }

    int promptLength() {
        return request.promptTokens().length;
    }

    /** Picks the next token from {@code logits[offset, offset + vocab)}; returns whether the row has finished. */
    boolean sample(float[] logits, int offset, int vocab) {
        Sampler.Choice c = sampler.next(logits, offset, vocab);
        if (produced == tokens.length) {
            tokens = Arrays.copyOf(tokens, produced * 2);
            logProbs = Arrays.copyOf(logProbs, produced * 2);
        }
        tokens[produced] = c.token();
        logProbs[produced] = c.logProb();
        try {
            sink.token(produced, c.token(), c.logProb());
        } catch (RuntimeException e) {
            LOG.warn("token sink of a request failed; the request goes on without it: {}", e.toString());
        }
        produced++;
        if (request.sampling().stopTokens().contains(c.token())) {
            finish = "stop";
        } else if (produced >= request.sampling().maxTokens()) {
            finish = "length";
        }
        return finish != null;
    }

    /** The last token sampled: the next input of this row. */
    int lastToken() {
        return tokens[produced - 1];
    }

    GenerationResult toResult() {
        return new GenerationResult(Arrays.copyOf(tokens, produced), Arrays.copyOf(logProbs, produced),
                finish == null ? "length" : finish);
    }
}
