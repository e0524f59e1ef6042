package ai.mint.engine.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files in pure Java: float data as F32, F16, BF16 or F8_E4M3, integer data as I64, an optional
 * {@code __metadata__} map, the header padded to 8 bytes as the format recommends. The file is written to a
 * temporary sibling and moved into place, so readers never see half a file.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(String name, DType dtype, long[] shape, float[] floats, long[] longs) {
        long bytes() {
            return HostTensor.elementCount(shape) * dtype.bytes();
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds float data stored as {@code dtype} (F32, F16, BF16 or F8_E4M3, each rounded to nearest even). */
    public SafetensorsWriter add(String name, long[] shape, float[] data, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16 && dtype != DType.F8_E4M3) {
            throw new IllegalArgumentException("float tensors are written as F32, F16, BF16 or F8_E4M3, not "
                    + dtype);
        }
        HostTensor.ofFloats(name, shape, data); // validates shape against length
        entries.add(new Entry(name, dtype, shape.clone(), data, null));
        return this;
    }

    public SafetensorsWriter add(String name, long[] shape, float[] data) {
        return add(name, shape, data, DType.F32);
    }

    public SafetensorsWriter addLongs(String name, long[] shape, long[] data) {
        HostTensor.ofLongs(name, shape, data);
        entries.add(new Entry(name, DType.I64, shape.clone(), null, data));
        return this;
    }

    /** Writes the file atomically and returns its size in bytes. */
    public long write(Path file) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            ArrayNode offsets = t.putArray("data_offsets");
            offsets.add(offset);
            offset += e.bytes();
            offsets.add(offset);
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (headerBytes.length + 7) / 8 * 8;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(len.array());
                out.write(headerBytes);
                out.write(" ".repeat(padded - headerBytes.length).getBytes(StandardCharsets.US_ASCII));
                for (Entry e : entries) {
                    out.write(encode(e));
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SafetensorsException("cannot write " + file + ": " + e, e);
        }
        return 8 + padded + offset;
    }

    private static byte[] encode(Entry e) {
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(e.bytes())).order(ByteOrder.LITTLE_ENDIAN);
        switch (e.dtype()) {
            case F32 -> buf.asFloatBuffer().put(e.floats());
            case F16 -> {
                for (float f : e.floats()) {
                    buf.putShort(HalfFloats.floatToF16(f));
                }
            }
            case BF16 -> {
                for (float f : e.floats()) {
                    buf.putShort(HalfFloats.floatToBf16(f));
                }
            }
            case F8_E4M3 -> {
                for (float f : e.floats()) {
                    buf.put(Float8.floatToE4m3(f));
                }
            }
            case I64 -> buf.asLongBuffer().put(e.longs());
            default -> throw new IllegalStateException("unsupported " + e.dtype());
        }
        return buf.array();
    }
}
