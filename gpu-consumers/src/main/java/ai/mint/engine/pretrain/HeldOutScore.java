package ai.mint.engine.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.model.DecoderModel;

/**
 * Mean next-token cross-entropy (nats) over the first {@code windows} held-out windows, for the model and for a
 * unigram baseline (token frequencies of the training stream, add-one smoothed) on exactly the same target tokens.
 */
public record HeldOutScore(double loss, long tokens) {

    /** Windows per forward pass while scoring. */
    private static final int ROWS_PER_PASS = 16;

    public double perplexity() {
        return Math.exp(loss);
    }

    /** The model's loss: a forward pass without gradients over each batch of windows. */
    public static HeldOutScore ofModel(DecoderModel model, TokenStreams data, int width, int windows) {
        double sum = 0;
        long count = 0;
        for (int first = 0; first < windows; first += ROWS_PER_PASS) {
            int rows = Math.min(ROWS_PER_PASS, windows - first);
            try (NDManager m = model.base().manager().newSubManager()) {
                long[] tokens = new long[rows * width];
                long[] targets = new long[rows * width];
                long[] positions = new long[rows * width];
                for (int r = 0; r < rows; r++) {
                    int start = (first + r) * width;
                    for (int i = 0; i < width; i++) {
                        tokens[r * width + i] = data.heldOut()[start + i];
                        targets[r * width + i] = data.heldOut()[start + i + 1];
                        positions[r * width + i] = i;
                    }
                }
                Shape shape = new Shape(rows, width);
                NDArray logits = model.forward(m.create(tokens, shape), m.create(positions, shape), null, null,
                        null);                                                                   // [rows, T, V]
                sum -= DecoderModel.tokenLogProbs(logits, m.create(targets, shape)).sum().getFloat();
                count += (long) rows * width;
            }
        }
        return new HeldOutScore(sum / count, count);
    }

    /** The unigram baseline's loss on the same targets as {@link #ofModel}. */
    public static HeldOutScore ofUnigram(TokenStreams data, int vocab, int width, int windows) {
        long[] counts = new long[vocab];
        for (int id : data.train()) {
            counts[id]++;
        }
        double total = data.train().length + (double) vocab;
        double sum = 0;
        long n = 0;
        for (int w = 0; w < windows; w++) {
            for (int i = 1; i <= width; i++) {
                int id = data.heldOut()[w * width + i];
                sum -= Math.log((counts[id] + 1) / total);
                n++;
            }
        }
        return new HeldOutScore(sum / n, n);
    }
}
