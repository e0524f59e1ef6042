package ai.mint.engine.safetensors;

import java.util.Arrays;

/**
 * The two 8-bit float formats safetensors names {@code F8_E4M3} (PyTorch's float8_e4m3fn: no infinities, 448 at
 * most, NaN only at S.1111.111) and {@code F8_E5M2} (IEEE-like, with infinities). DeepSeek-V3 and Kimi-K2 ship their
 * linear weights as E4M3 with one float32 scale per 128x128 block; the engine widens them to float32 while parsing,
 * as it does BF16, since DJL's PyTorch engine has no use for them on a CPU.
 */
public final class Float8 {

    private static final float[] E4M3 = new float[256];
    private static final float[] E5M2 = new float[256];
    /** The finite non-negative E4M3 values in code order 0x00..0x7E (they increase with the code). */
    private static final float[] E4M3_POSITIVE = new float[0x7F];

    static {
        for (int code = 0; code < 256; code++) {
            E4M3[code] = decode(code, 4, 3, true);
            E5M2[code] = decode(code, 5, 2, false);
        }
        System.arraycopy(E4M3, 0, E4M3_POSITIVE, 0, E4M3_POSITIVE.length);
    }

    private Float8() {
    }

    public static float e4m3ToFloat(byte code) {
        return E4M3[code & 0xff];
    }

    public static float e5m2ToFloat(byte code) {
        return E5M2[code & 0xff];
    }

    /**
     * Rounds to the nearest E4M3 value, ties to the even code; magnitudes above 448 saturate to 448 (what DeepSeek's
     * quantizer produces, since it scales each block so that its largest value is 448). NaN stays NaN.
     */
    public static byte floatToE4m3(float value) {
        if (Float.isNaN(value)) {
            return 0x7F;
        }
        int sign = (Float.floatToRawIntBits(value) >>> 31) << 7;
        float a = Math.min(Math.abs(value), E4M3_POSITIVE[E4M3_POSITIVE.length - 1]);
        int hi = Arrays.binarySearch(E4M3_POSITIVE, a);
        if (hi >= 0) {
            return (byte) (sign | hi);
        }
        hi = -hi - 1;          // first code whose value is above a
        int lo = hi - 1;
        float dLo = a - E4M3_POSITIVE[lo];
        float dHi = E4M3_POSITIVE[hi] - a;
        int code = dLo < dHi ? lo : dHi < dLo ? hi : ((lo & 1) == 0 ? lo : hi);
        return (byte) (sign | code);
    }

    /** Sign, {@code e} exponent bits, {@code m} mantissa bits; {@code fn}: no infinities, all-ones is NaN. */
    private static float decode(int code, int e, int m, boolean fn) {
        int sign = (code >>> 7) & 1;
        int exp = (code >>> m) & ((1 << e) - 1);
        int mant = code & ((1 << m) - 1);
        int bias = (1 << (e - 1)) - 1;
        int maxExp = (1 << e) - 1;
        float v;
        if (fn && exp == maxExp && mant == (1 << m) - 1) {
            v = Float.NaN;
        } else if (!fn && exp == maxExp) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else if (exp == 0) {
            v = (float) (mant / (double) (1 << m) * Math.pow(2, 1 - bias));   // subnormal
        } else {
            v = (float) ((1 + mant / (double) (1 << m)) * Math.pow(2, exp - bias));
        }
        return sign == 1 ? -v : v;
    }
}
