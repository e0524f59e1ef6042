package ai.mint.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.lora.LoraBank;
import ai.mint.engine.lora.LoraDelta;
import ai.mint.engine.model.DecoderModel;

import java.util.Random;

/** Test helpers: random token rows and a plain full forward returning host logits. */
public final class Forwards {

    private Forwards() {
    }

    public static long[][] tokens(int rows, int len, long seed) {
        Random r = new Random(seed);
        long[][] t = new long[rows][len];
        for (long[] row : t) {
            for (int i = 0; i < len; i++) {
                row[i] = r.nextInt(256);
            }
        }
        return t;
    }

    /** Logits [B, T, V] flattened, rows of equal length at positions 0.., each row using {@code slots} of bank. */
    public static float[] logits(DecoderModel model, long[][] rows, LoraBank bank, long[] slots) {
        try (NDManager m = model.base().manager().newSubManager()) {
            NDArray[] batch = batch(m, rows);
            LoraDelta lora = bank == null ? null : bank.bind(m.create(slots));
            return model.forward(batch[0], batch[1], null, lora, null).toFloatArray();
        }
    }

    /** Rows of equal length as tokens [B, T] and their positions 0.. [B, T], both int64 in {@code m}. */
    public static NDArray[] batch(NDManager m, long[][] rows) {
        int b = rows.length;
        int t = rows[0].length;
        long[] flat = new long[b * t];
        long[] pos = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                flat[i * t + j] = rows[i][j];
                pos[i * t + j] = j;
            }
        }
        return new NDArray[] {m.create(flat, new Shape(b, t)), m.create(pos, new Shape(b, t))};
    }
}
