package ai.mint.catalog.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The ids of a policy's most recent events, oldest first, capped so that a busy policy's de-duplication state stays
 * small. Redeliveries arrive soon after the original (producer retries, restarts), so a window of recent ids is enough.
 */
public final class RecentEventIds {

    private final List<String> ids;

    private RecentEventIds(List<String> ids) {
        this.ids = Collections.unmodifiableList(ids);
    }

    public static RecentEventIds empty() {
        return new RecentEventIds(List.of());
    }

    public boolean contains(String eventId) {
        return ids.contains(eventId);
    }

    /** This window with the id appended, dropping the oldest ids beyond {@code capacity}. */
    public RecentEventIds with(String eventId, int capacity) {
        List<String> next = new ArrayList<>(Math.min(ids.size() + 1, capacity));
        int skip = Math.max(0, ids.size() + 1 - capacity);
        next.addAll(ids.subList(skip, ids.size()));
        next.add(eventId);
        return new RecentEventIds(next);
    }

    public List<String> ids() {
        return ids;
    }

    /** Store serde: a count, then each id as length-prefixed UTF-8. */
    public static Serde<RecentEventIds> serde() {
        return Serdes.serdeFrom(SERIALIZER, DESERIALIZER);
    }

    private static final Serializer<RecentEventIds> SERIALIZER = (topic, window) -> {
        if (window == null) {
            return null;
        }
        List<byte[]> encoded = window.ids.stream().map(id -> id.getBytes(StandardCharsets.UTF_8)).toList();
        ByteBuffer out = ByteBuffer.allocate(4 + encoded.stream().mapToInt(b -> 4 + b.length).sum());
        out.putInt(encoded.size());
        encoded.forEach(b -> out.putInt(b.length).put(b));
        return out.array();
    };

    private static final Deserializer<RecentEventIds> DESERIALIZER = (topic, bytes) -> {
        if (bytes == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int count = in.getInt();
            List<String> ids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] id = new byte[in.getInt()];
                in.get(id);
                ids.add(new String(id, StandardCharsets.UTF_8));
            }
            return new RecentEventIds(ids);
        } catch (RuntimeException e) {
            throw new SerializationException("recent event ids in " + topic + " are corrupt (" + bytes.length + " bytes)", e);
        }
    };
}
