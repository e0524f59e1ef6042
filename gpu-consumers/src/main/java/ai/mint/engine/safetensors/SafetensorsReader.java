package ai.mint.engine.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads safetensors files in pure Java and checks them before any byte reaches the native engine: header size against
 * the file and a hard cap, JSON shape, known dtypes, byte ranges that match shapes and stay inside the file without
 * overlapping, and (optionally) finite float values. Every violation is a {@link SafetensorsException}; nothing here
 * can crash the JVM. Floats are widened to float32 while parsing (BF16 by a 16-bit shift, FP8 by a table).
 */
public final class SafetensorsReader implements Closeable {

    /** Hugging Face's own reader refuses headers above 100 MB; a larger claim is a corrupt or hostile file. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final boolean rejectNonFinite;

    private SafetensorsReader(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                              Map<String, String> metadata, boolean rejectNonFinite) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
        this.rejectNonFinite = rejectNonFinite;
    }

    /** Opens and validates the header; non-finite float values are rejected when tensors are read. */
    public static SafetensorsReader open(Path path) {
        return open(path, true);
    }

    public static SafetensorsReader open(Path path, boolean rejectNonFinite) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SafetensorsException("cannot open safetensors file " + path + ": " + e, e);
        }
        try {
            return parse(path, channel, rejectNonFinite);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static SafetensorsReader parse(Path path, FileChannel channel, boolean rejectNonFinite) {
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new SafetensorsException("cannot read size of " + path + ": " + e, e);
        }
        if (size < 8) {
            throw new SafetensorsException(path + " is truncated: " + size + " bytes, a safetensors file starts with"
                    + " an 8-byte header length");
        }
        ByteBuffer lenBuf = readFully(path, channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = lenBuf.getLong();
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new SafetensorsException(path + " claims a header of " + Long.toUnsignedString(headerLen)
                    + " bytes, above the " + MAX_HEADER_BYTES + "-byte limit: the file is corrupt or not safetensors");
        }
        if (8 + headerLen > size) {
            throw new SafetensorsException(path + " claims a header of " + headerLen + " bytes but the file has only "
                    + (size - 8) + " bytes after the length prefix (truncated?)");
        }
        String headerText = StandardCharsets.UTF_8.decode(readFully(path, channel, 8, (int) headerLen)).toString();
        JsonNode header;
        try {
            header = JSON.readTree(headerText);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(path + " has a header that is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new SafetensorsException(path + " has a header that is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataLen = size - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if ("__metadata__".equals(field.getKey())) {
                field.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(field.getKey(), parseEntry(path, field.getKey(), field.getValue(), dataLen));
        }
        checkNoOverlap(path, tensors);
        return new SafetensorsReader(path, channel, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata), rejectNonFinite);
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode node, long dataLen) {
        String where = path + " tensor '" + name + "'";
        if (!node.isObject() || !node.has("dtype") || !node.has("shape") || !node.has("data_offsets")) {
            throw new SafetensorsException(where + " lacks dtype, shape or data_offsets");
        }
        DType dtype = DType.parse(node.get("dtype").asText(), name);
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new SafetensorsException(where + " has a malformed shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
                throw new SafetensorsException(where + " has a negative or non-integer dimension " + shapeNode);
            }
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataLen) {
            throw new SafetensorsException(where + " has byte range [" + begin + ", " + end + ") outside the "
                    + dataLen + " data bytes of the file (truncated?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(HostTensor.elementCount(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new SafetensorsException(where + " has an absurd shape " + Arrays.toString(shape));
        }
        if (expected != end - begin) {
            throw new SafetensorsException(where + " has shape " + Arrays.toString(shape) + " of " + dtype + " = "
                    + expected + " bytes but its byte range holds " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void checkNoOverlap(Path path, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.begin() < prev.end() && cur.byteCount() > 0 && prev.byteCount() > 0) {
                throw new SafetensorsException(path + " tensors '" + prev.name() + "' and '" + cur.name()
                        + "' overlap");
            }
        }
    }

    public Path path() {
        return path;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new SafetensorsException(path + " has no tensor '" + name + "'");
        }
        return info;
    }

    /** Reads one tensor, widening floats to float32 and integers to int64. */
    public HostTensor read(String name) {
        TensorInfo info = info(name);
        if (info.byteCount() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(path + " tensor '" + name + "' is " + info.byteCount()
                    + " bytes; tensors above 2 GB are not supported by this reader");
        }
        ByteBuffer buf = readFully(path, channel, dataStart + info.begin(), (int) info.byteCount())
                .order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) info.elementCount();
        if (info.dtype().isFloating()) {
            float[] out = decodeFloats(info.dtype(), buf, n);
            if (rejectNonFinite) {
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(out[i])) {
                        throw new SafetensorsException(path + " tensor '" + name + "' holds a non-finite value ("
                                + out[i] + ") at flat index " + i);
                    }
                }
            }
            return new HostTensor(name, info.dtype(), info.shape().clone(), out, null);
        }
        return new HostTensor(name, info.dtype(), info.shape().clone(), null, decodeLongs(info.dtype(), buf, n));
    }

    /**
     * Reads one float32 tensor's bytes as they are into a new direct, little-endian buffer (for an upload without a
     * Java float array in between), checking finiteness as {@link #read} does.
     */
    public ByteBuffer readF32(String name) {
        TensorInfo info = info(name);
        if (info.dtype() != DType.F32) {
            throw new SafetensorsException(path + " tensor '" + name + "' is " + info.dtype() + ", not F32");
        }
        if (info.byteCount() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(path + " tensor '" + name + "' is " + info.byteCount()
                    + " bytes; tensors above 2 GB are not supported by this reader");
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) info.byteCount()).order(ByteOrder.LITTLE_ENDIAN);
        fill(path, channel, dataStart + info.begin(), buf);
        if (rejectNonFinite) {
            java.nio.FloatBuffer f = buf.asFloatBuffer();
            for (int i = 0, n = f.limit(); i < n; i++) {
                if (!Float.isFinite(f.get(i))) {
                    throw new SafetensorsException(path + " tensor '" + name + "' holds a non-finite value ("
                            + f.get(i) + ") at flat index " + i);
                }
            }
        }
        return buf;
    }

    private static float[] decodeFloats(DType dtype, ByteBuffer buf, int n) {
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> buf.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) buf.getDouble();
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.bf16ToFloat(buf.getShort());
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.f16ToFloat(buf.getShort());
                }
            }
            case F8_E4M3 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float8.e4m3ToFloat(buf.get());
                }
            }
            case F8_E5M2 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float8.e5m2ToFloat(buf.get());
                }
            }
            default -> throw new IllegalStateException(dtype + " is not floating");
        }
        return out;
    }

    private static long[] decodeLongs(DType dtype, ByteBuffer buf, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case I64 -> buf.getLong();
                case I32 -> buf.getInt();
                case I16 -> buf.getShort();
                case I8 -> buf.get();
                case U8, BOOL -> buf.get() & 0xff;
                default -> throw new IllegalStateException(dtype + " is not integral");
            };
        }
        return out;
    }

    private static ByteBuffer readFully(Path path, FileChannel channel, long position, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        fill(path, channel, position, buf);
        return buf;
    }

    /** Fills {@code buf} from {@code position} of the file, then flips it for reading. */
    private static void fill(Path path, FileChannel channel, long position, ByteBuffer buf) {
        int length = buf.remaining();
        try {
            while (buf.hasRemaining()) {
                int r = channel.read(buf, position + buf.position());
                if (r < 0) {
                    throw new SafetensorsException(path + " ended after " + (position + buf.position())
                            + " bytes while reading " + length + " bytes at " + position + " (truncated)");
                }
            }
        } catch (IOException e) {
            throw new SafetensorsException("cannot read " + path + ": " + e, e);
        }
        buf.flip();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the open already failed with a clearer error
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
