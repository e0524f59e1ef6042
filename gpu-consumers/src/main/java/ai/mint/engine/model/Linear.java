package ai.mint.engine.model;

import ai.djl.ndarray.NDArray;
import ai.mint.engine.lora.LoraDelta;
import ai.mint.engine.lora.LoraKey;

/** A base projection computed once for the whole batch, plus each row's own LoRA correction where it has one. */
final class Linear {

    private Linear() {
    }

    /** {@code layer}'s own projection {@code p}: {@code x} [B, T, in], {@code w} [in, out], {@code bias} [out] or null. */
    static NDArray apply(NDArray x, NDArray w, NDArray bias, LoraDelta lora, int layer, Projection p) {
        return apply(x, w, bias, lora, LoraKey.module(layer, p));
    }

    /** The projection at {@code key}: {@code x} [B, T, in], {@code w} [in, out], {@code bias} [out] or null. */
    static NDArray apply(NDArray x, NDArray w, NDArray bias, LoraDelta lora, LoraKey key) {
        NDArray y = x.matMul(w);
        if (bias != null) {
            y = y.add(bias);
        }
        if (lora != null) {
            NDArray delta = lora.delta(key, x);
            if (delta != null) {
                y = y.add(delta);
            }
        }
        return y;
    }

    static NDArray silu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x));
    }

    /** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * weight. */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray variance = x.mul(x).mean(new int[] {-1}, true);
        return x.div(variance.add((float) eps).sqrt()).mul(weight);
    }
}
