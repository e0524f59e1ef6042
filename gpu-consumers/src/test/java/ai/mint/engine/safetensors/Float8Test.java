package ai.mint.engine.safetensors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** FP8 E4M3FN / E5M2 decoding against values worked out by hand from the formats, and rounding back. */
class Float8Test {

    @Test
    void e4m3DecodesItsLandmarks() {
        assertThat(Float8.e4m3ToFloat((byte) 0x00)).isZero();
        assertThat(Float8.e4m3ToFloat((byte) 0x38)).isEqualTo(1.0f);        // exponent 7 = bias, mantissa 0
        assertThat(Float8.e4m3ToFloat((byte) 0x7E)).isEqualTo(448f);        // 2^8 * 1.75, the largest finite
        assertThat(Float8.e4m3ToFloat((byte) 0x01)).isEqualTo(0x1p-9f);     // smallest subnormal: 1/8 * 2^-6
        assertThat(Float8.e4m3ToFloat((byte) 0x08)).isEqualTo(0x1p-6f);     // smallest normal
        assertThat(Float8.e4m3ToFloat((byte) 0xC0)).isEqualTo(-2.0f);
        assertThat(Float8.e4m3ToFloat((byte) 0x7F)).isNaN();                // fn: no infinities, S.1111.111 is NaN
        assertThat(Float8.e4m3ToFloat((byte) 0x78)).isEqualTo(256f);        // 1111.000 is a number in E4M3FN
    }

    @Test
    void e5m2KeepsInfinities() {
        assertThat(Float8.e5m2ToFloat((byte) 0x3C)).isEqualTo(1.0f);
        assertThat(Float8.e5m2ToFloat((byte) 0x7B)).isEqualTo(57344f);
        assertThat(Float8.e5m2ToFloat((byte) 0x7C)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float8.e5m2ToFloat((byte) 0x7D)).isNaN();
    }

    @Test
    void everyFiniteE4m3CodeRoundTripsAndMidpointsRoundToEven() {
        for (int code = 0; code < 256; code++) {
            float v = Float8.e4m3ToFloat((byte) code);
            if (!Float.isNaN(v) && code != 0x80) {              // -0 encodes back as -0 (0x80): checked below
                assertThat(Float8.floatToE4m3(v) & 0xff).as("code %02x", code).isEqualTo(code);
            }
        }
        assertThat(Float8.floatToE4m3(-0.0f) & 0xff).isEqualTo(0x80);
        // 1.0625 lies halfway between 1.0 (0x38, even) and 1.125 (0x39): ties go to the even code
        assertThat(Float8.floatToE4m3(1.0625f) & 0xff).isEqualTo(0x38);
        assertThat(Float8.floatToE4m3(1.1875f) & 0xff).isEqualTo(0x3A);       // between 0x39 and 0x3A: even
        assertThat(Float8.floatToE4m3(1e6f) & 0xff).isEqualTo(0x7E);          // saturates at 448
    }
}
