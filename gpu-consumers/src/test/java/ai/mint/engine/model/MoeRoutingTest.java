package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Top-k routing picks exactly k experts per token, ties included. */
class MoeRoutingTest {

    @Test
    void tiedRouterLogitsStillSelectExactlyKExperts() {
        ModelConfig renorm = ModelConfig.fromJson(TestModels.microMoe().toJson().put("norm_topk_prob", true));
        ModelConfig plain = TestModels.microMoe();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // token 0: all four tied; token 1: experts 1, 2 and 3 tied for the top; token 2: no tie
            NDArray logits = m.create(new float[] {0, 0, 0, 0, -1, 2, 2, 2, 3, 1, 0, -2}, new Shape(1, 3, 4));
            float[] w = new MoeBlock(plain).routingWeights(logits).toFloatArray();
            float[] wn = new MoeBlock(renorm).routingWeights(logits).toFloatArray();
            for (int token = 0; token < 3; token++) {
                int nonZero = 0;
                float sum = 0;
                for (int e = 0; e < 4; e++) {
                    nonZero += wn[token * 4 + e] > 0 ? 1 : 0;
                    sum += wn[token * 4 + e];
                }
                assertThat(nonZero).as("experts chosen for token %d", token).isEqualTo(2);
                assertThat(sum).isCloseTo(1f, within(1e-6f));
            }
            assertThat(w[0] + w[1] + w[2] + w[3]).as("two of four equal experts without renormalising")
                    .isCloseTo(0.5f, within(1e-6f));
            // untied token: softmax probabilities of experts 0 and 1, others exactly zero
            double z = Math.exp(3) + Math.exp(1) + Math.exp(0) + Math.exp(-2);
            assertThat(w[8]).isCloseTo((float) (Math.exp(3) / z), within(1e-6f));
            assertThat(w[9]).isCloseTo((float) (Math.exp(1) / z), within(1e-6f));
            assertThat(w[10]).isZero();
            assertThat(w[11]).isZero();
        }
    }
}
