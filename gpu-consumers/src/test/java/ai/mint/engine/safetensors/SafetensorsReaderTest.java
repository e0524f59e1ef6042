package ai.mint.engine.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Malformed files give a SafetensorsException naming the problem; good files round-trip. */
class SafetensorsReaderTest {

    @TempDir
    Path dir;

    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).put(data);
        Path f = dir.resolve("f" + System.nanoTime() + ".safetensors");
        Files.write(f, buf.array());
        return f;
    }

    private static void fails(Path f, String message) {
        assertThatThrownBy(() -> {
            try (SafetensorsReader r = SafetensorsReader.open(f)) {
                r.names().forEach(r::read);
            }
        }).isInstanceOf(SafetensorsException.class).hasMessageContaining(message);
    }

    @Test
    void roundTripsF32F16Bf16AndLongsWithMetadata() {
        float[] data = {0f, 1f, -2.5f, 3.14159f, 1e-3f, -65504f};
        Path f = dir.resolve("ok.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .add("f32", new long[] {2, 3}, data, DType.F32)
                .add("f16", new long[] {6}, data, DType.F16)
                .add("bf16", new long[] {3, 2}, data, DType.BF16)
                .addLongs("ids", new long[] {2}, new long[] {7, -9})
                .write(f);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.metadata()).containsEntry("format", "pt");
            assertThat(r.read("f32").floats()).containsExactly(data);
            assertThat(r.read("f32").shape()).containsExactly(2, 3);
            assertThat(r.read("ids").longs()).containsExactly(7, -9);
            assertThat(r.read("bf16").sourceDtype()).isEqualTo(DType.BF16);
            float[] f16 = r.read("f16").floats();
            float[] bf16 = r.read("bf16").floats();
            for (int i = 0; i < data.length; i++) {
                assertThat(f16[i]).isEqualTo(HalfFloats.f16ToFloat(HalfFloats.floatToF16(data[i])));
                assertThat(Math.abs(f16[i] - data[i])).isLessThanOrEqualTo(Math.abs(data[i]) * 1e-3f);
                assertThat(Math.abs(bf16[i] - data[i])).isLessThanOrEqualTo(Math.abs(data[i]) * 8e-3f);
            }
        }
    }

    @Test
    void truncatedFilesAreRejected() throws IOException {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        fails(tiny, "truncated");
        Path good = dir.resolve("good.safetensors");
        new SafetensorsWriter().add("x", new long[] {4, 4}, new float[16]).write(good);
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(all, all.length - 10));
        fails(cut, "outside the");
    }

    @Test
    void headerLengthPastTheEndAndHugeHeaderClaimsAreRejected() throws IOException {
        ByteBuffer past = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        Path f = dir.resolve("past");
        Files.write(f, past.array());
        fails(f, "claims a header of 1000 bytes");
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(2L << 30).putLong(0);
        Path g = dir.resolve("huge");
        Files.write(g, huge.array());
        fails(g, "above the");
        ByteBuffer negative = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(0);
        Path n = dir.resolve("neg");
        Files.write(n, negative.array());
        fails(n, "claims a header");
    }

    @Test
    void unknownDtypeShapeMismatchBadJsonAndOverlapAreRejected() throws IOException {
        fails(raw("{\"x\":{\"dtype\":\"F8_E4M3X\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]),
                "unknown dtype 'F8_E4M3X'");
        fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
                "shape [3] of F32 = 12 bytes but its byte range holds 8");
        fails(raw("{\"x\": [not json", new byte[0]), "not valid JSON");
        fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]), "overlap");
        fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
                new byte[8]), "absurd shape");
    }

    @Test
    void nonFiniteWeightsAreRejectedWithTheirPosition() {
        Path f = dir.resolve("nan.safetensors");
        new SafetensorsWriter().add("w", new long[] {3}, new float[] {1f, Float.NaN, 2f}).write(f);
        fails(f, "tensor 'w' holds a non-finite value (NaN) at flat index 1");
        Path g = dir.resolve("inf.safetensors");
        new SafetensorsWriter().add("w", new long[] {2}, new float[] {Float.POSITIVE_INFINITY, 0f}, DType.BF16)
                .write(g);
        fails(g, "non-finite value (Infinity)");
    }
}
