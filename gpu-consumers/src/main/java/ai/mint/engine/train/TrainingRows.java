package ai.mint.engine.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.mint.api.Datum;
import ai.mint.engine.PolicyBatch;

import java.util.List;

/**
 * The rows of a multi-policy step laid out right-padded to one length T, in Java memory; {@link #rows(NDManager,
 * MicroBatch)} makes the tensors of one micro-batch of rows. Right padding needs no attention mask for a causal decoder (real
 * tokens never attend to later positions), and padded positions carry weight 0.
 */
final class TrainingRows {

    final int rows;
    final int length;
    final int[] rowPolicy;      // index into the step's policy list
    final int[] rowLength;
    final int[] policyFirstRow; // policy k owns rows policyFirstRow[k] .. policyFirstRow[k+1]-1
    final float[] rowWeightSums;
    private final long[] tokens;
    private final long[] targets;
    private final long[] positions;
    private final float[] weights;
    private final float[] samplingLogprobs; // zeros where a policy's loss has none
    private final float[] advantages;

    /** The tensors of one micro-batch, each [rows, width]. */
    record Rows(ai.djl.ndarray.NDArray tokens, ai.djl.ndarray.NDArray targets, ai.djl.ndarray.NDArray positions,
                ai.djl.ndarray.NDArray weights, ai.djl.ndarray.NDArray samplingLogprobs,
                ai.djl.ndarray.NDArray advantages) {
    }

    TrainingRows(List<PolicyBatch> work) {
        int n = 0;
        int t = 0;
        for (PolicyBatch pb : work) {
            n += pb.data().size();
            for (Datum d : pb.data()) {
                t = Math.max(t, d.length());
            }
        }
        rows = n;
        length = t;
        rowPolicy = new int[n];
        rowLength = new int[n];
        rowWeightSums = new float[n];
        policyFirstRow = new int[work.size() + 1];
        tokens = new long[n * t];
        targets = new long[n * t];
        positions = new long[n * t];
        weights = new float[n * t];
        samplingLogprobs = new float[n * t];
        advantages = new float[n * t];
        int r = 0;
        for (int k = 0; k < work.size(); k++) {
            policyFirstRow[k] = r;
            for (Datum d : work.get(k).data()) {
                rowPolicy[r] = k;
                rowLength[r] = d.length();
                for (int i = 0; i < t; i++) {
                    int at = r * t + i;
                    positions[at] = i;
                    if (i < d.length()) {
                        tokens[at] = d.inputTokens()[i];
                        targets[at] = d.targetTokens()[i];
                        weights[at] = d.weights()[i];
                        rowWeightSums[r] += d.weights()[i];
                        samplingLogprobs[at] = d.samplingLogprobs() == null ? 0f : d.samplingLogprobs()[i];
                        advantages[at] = d.advantages() == null ? 0f : d.advantages()[i];
                    }
                }
                r++;
            }
        }
        policyFirstRow[work.size()] = r;
    }

    /**
     * The tensors of one micro-batch's rows, each [rows, width]: trailing columns beyond the micro-batch's longest
     * row are padding of every row in it, and dropping them changes nothing for a causal decoder.
     */
    Rows rows(NDManager m, MicroBatch mb) {
        Shape shape = new Shape(mb.rows(), mb.width());
        return new Rows(m.create(crop(tokens, mb), shape), m.create(crop(targets, mb), shape),
                m.create(crop(positions, mb), shape), m.create(crop(weights, mb), shape),
                m.create(crop(samplingLogprobs, mb), shape), m.create(crop(advantages, mb), shape));
    }

    /** The per-token log-probs of a micro-batch [rows, width] copied into {@code flat} at the step's layout. */
    void storeLogprobs(MicroBatch mb, float[] micro, float[] flat) {
        for (int i = 0; i < mb.rows(); i++) {
            System.arraycopy(micro, i * mb.width(), flat, (mb.from() + i) * length, mb.width());
        }
    }

    private long[] crop(long[] all, MicroBatch mb) {
        long[] out = new long[mb.rows() * mb.width()];
        for (int i = 0; i < mb.rows(); i++) {
            System.arraycopy(all, (mb.from() + i) * length, out, i * mb.width(), mb.width());
        }
        return out;
    }

    private float[] crop(float[] all, MicroBatch mb) {
        float[] out = new float[mb.rows() * mb.width()];
        for (int i = 0; i < mb.rows(); i++) {
            System.arraycopy(all, (mb.from() + i) * length, out, i * mb.width(), mb.width());
        }
        return out;
    }
}
