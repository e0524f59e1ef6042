package ai.mint.common.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header of a safetensors file, read in pure Java without touching the tensor data: the 8-byte length prefix
 * (checked against the file and a hard cap), the JSON object, and for each tensor its dtype name, shape and byte range
 * (checked to be integers inside the data). Enough to compare an adapter's shapes with a base's; the model engine's
 * reader builds on it to check dtypes and read values.
 */
public record SafetensorsHeader(Path path, long dataStart, Map<String, Entry> tensors, Map<String, String> metadata) {

    /** Hugging Face's own reader refuses headers above 100 MB; a larger claim is a corrupt or hostile file. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor of the header; {@code begin} and {@code end} are relative to the start of the data. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    }

    /** Reads the header of {@code path}. */
    public static SafetensorsHeader read(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(path, channel);
        } catch (IOException e) {
            throw new SafetensorsFormatException("cannot open safetensors file " + path + ": " + e, e);
        }
    }

    /** Reads the header from an open channel of {@code path}. */
    public static SafetensorsHeader read(Path path, FileChannel channel) {
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new SafetensorsFormatException("cannot read size of " + path + ": " + e, e);
        }
        if (size < 8) {
            throw new SafetensorsFormatException(path + " is truncated: " + size + " bytes, a safetensors file starts"
                    + " with an 8-byte header length");
        }
        long headerLen = readFully(path, channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(path + " claims a header of " + Long.toUnsignedString(headerLen)
                    + " bytes, above the " + MAX_HEADER_BYTES + "-byte limit: the file is corrupt or not safetensors");
        }
        if (8 + headerLen > size) {
            throw new SafetensorsFormatException(path + " claims a header of " + headerLen + " bytes but the file has"
                    + " only " + (size - 8) + " bytes after the length prefix (truncated?)");
        }
        String text = StandardCharsets.UTF_8.decode(readFully(path, channel, 8, (int) headerLen)).toString();
        JsonNode header;
        try {
            header = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(path + " has a header that is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new SafetensorsFormatException(path + " has a header that is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        Map<String, Entry> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if ("__metadata__".equals(field.getKey())) {
                field.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
            } else {
                tensors.put(field.getKey(), entry(path, field.getKey(), field.getValue(), size - dataStart));
            }
        }
        return new SafetensorsHeader(path, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(Path path, String name, JsonNode node, long dataLen) {
        String where = path + " tensor '" + name + "'";
        if (!node.isObject() || !node.has("dtype") || !node.has("shape") || !node.has("data_offsets")) {
            throw new SafetensorsFormatException(where + " lacks dtype, shape or data_offsets");
        }
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new SafetensorsFormatException(where + " has a malformed shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
                throw new SafetensorsFormatException(where + " has a negative or non-integer dimension " + shapeNode);
            }
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataLen) {
            throw new SafetensorsFormatException(where + " has byte range [" + begin + ", " + end + ") outside the "
                    + dataLen + " data bytes of the file (truncated?)");
        }
        return new Entry(name, node.get("dtype").asText(), shape, begin, end);
    }

    /** {@code length} bytes of the file from {@code position}; the end of the file before that is an error. */
    public static ByteBuffer readFully(Path path, FileChannel channel, long position, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        fill(path, channel, position, buf);
        return buf;
    }

    /** Fills {@code buf} (heap or direct) from {@code position} of the file, then flips it for reading. */
    public static void fill(Path path, FileChannel channel, long position, ByteBuffer buf) {
        int length = buf.remaining();
        try {
            while (buf.hasRemaining()) {
                int r = channel.read(buf, position + buf.position());
                if (r < 0) {
                    throw new SafetensorsFormatException(path + " ended after " + (position + buf.position())
                            + " bytes while reading " + length + " bytes at " + position + " (truncated)");
                }
            }
        } catch (IOException e) {
            throw new SafetensorsFormatException("cannot read " + path + ": " + e, e);
        }
        buf.flip();
    }
}
