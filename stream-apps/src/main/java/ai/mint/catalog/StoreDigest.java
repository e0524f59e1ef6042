package ai.mint.catalog;

import ai.mint.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;

/**
 * A SHA-256 over a store's contents in key order, to tell whether two stores (e.g. before a restart and after the
 * rebuild from changelogs) hold the same state. Values are encoded as plain Avro binary, so the digest does not
 * depend on registry schema ids.
 */
public final class StoreDigest {

    private StoreDigest() {
    }

    /** Digest of key/value pairs, which must come in the store's key order. */
    public static <V> String of(Iterator<KeyValue<String, V>> entries, Function<V, byte[]> valueBytes) {
        MessageDigest sha = sha256();
        while (entries.hasNext()) {
            KeyValue<String, V> entry = entries.next();
            update(sha, entry.key.getBytes(StandardCharsets.UTF_8));
            update(sha, valueBytes.apply(entry.value));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Plain Avro binary of a generated record. */
    public static byte[] avroBytes(SpecificRecord record) {
        return AvroSerdes.plainBinary(record);
    }

    private static void update(MessageDigest sha, byte[] bytes) {
        // length-prefixed, so that ("ab","c") and ("a","bc") differ
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
