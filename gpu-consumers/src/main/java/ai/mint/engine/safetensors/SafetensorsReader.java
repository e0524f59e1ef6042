package ai.mint.engine.safetensors;

import ai.mint.common.safetensors.SafetensorsFormatException;
import ai.mint.common.safetensors.SafetensorsHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads safetensors files in pure Java and checks them before any byte reaches the native engine: header size against
 * the file and a hard cap, JSON shape, known dtypes, byte ranges that match shapes and stay inside the file without
 * overlapping, and (optionally) finite float values. Every violation is a {@link SafetensorsException}; nothing here
 * can crash the JVM. Floats are widened to float32 while parsing (BF16 by a 16-bit shift, FP8 by a table). The header
 * itself is read by {@link SafetensorsHeader} (mint-common), which the Connect plugin shares.
 */
public final class SafetensorsReader implements Closeable {

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
        SafetensorsHeader header;
        try {
            header = SafetensorsHeader.read(path, channel);
        } catch (SafetensorsFormatException e) {
            throw new SafetensorsException(e.getMessage(), e);
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry entry : header.tensors().values()) {
            tensors.put(entry.name(), checked(path, entry));
        }
        checkNoOverlap(path, tensors);
        return new SafetensorsReader(path, channel, header.dataStart(), Collections.unmodifiableMap(tensors),
                header.metadata(), rejectNonFinite);
    }

    /** The header checked that far; here: a known dtype whose size times the shape fills the byte range exactly. */
    private static TensorInfo checked(Path path, SafetensorsHeader.Entry entry) {
        String name = entry.name();
        long[] shape = entry.shape();
        DType dtype = DType.parse(entry.dtype(), name);
        long expected;
        try {
            expected = Math.multiplyExact(HostTensor.elementCount(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new SafetensorsException(path + " tensor '" + name + "' has an absurd shape " + Arrays.toString(shape));
        }
        if (expected != entry.end() - entry.begin()) {
            throw new SafetensorsException(path + " tensor '" + name + "' has shape " + Arrays.toString(shape) + " of "
                    + dtype + " = " + expected + " bytes but its byte range holds " + (entry.end() - entry.begin()));
        }
        return new TensorInfo(name, dtype, shape, entry.begin(), entry.end());
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
        try {
            SafetensorsHeader.fill(path, channel, position, buf);
        } catch (SafetensorsFormatException e) {
            throw new SafetensorsException(e.getMessage(), e);
        }
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
