package ai.mint.orchestration;

import ai.mint.common.catalog.CatalogKeys;
import ai.mint.streams.JsonSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The feedback examples that wait for a policy's next feedback update, in a changelogged store: key
 * {@code <policy>@<seq, 19 digits>} (a policy id never holds '@'), oldest first. {@code seq} is the example's offset
 * on its input partition, which holds all of one policy's examples, so it grows with arrival. Bounded per policy: past
 * its spec's {@code max_buffered} the oldest examples are dropped.
 */
final class FeedbackBuffer {

    /** One logged completion and its feedback, as the update needs it. */
    record Example(long seq, String eventId, String revision, List<Integer> promptTokens,
                   List<Integer> completionTokens, List<Float> logprobs, double reward) {
    }

    static Serde<Example> serde() {
        return JsonSerde.of(Example.class, "feedback example");
    }

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, Example> store;

    FeedbackBuffer(KeyValueStore<String, Example> store) {
        this.store = store;
    }

    /**
     * Keeps {@code e} for {@code policyId}, then drops the oldest examples past {@code maxKept}.
     *
     * @return how many examples were dropped
     */
    int add(String policyId, Example e, int maxKept) {
        store.put(key(policyId, e.seq()), e);
        List<String> keys = keys(policyId); // at most maxKept + 1: every add trims
        int excess = Math.max(0, keys.size() - maxKept);
        for (int i = 0; i < excess; i++) {
            store.delete(keys.get(i));
        }
        return excess;
    }

    /** The oldest {@code n} examples of the policy (fewer if fewer wait). */
    List<Example> oldest(String policyId, int n) {
        List<Example> out = new ArrayList<>();
        try (KeyValueIterator<String, Example> it = store.prefixScan(prefix(policyId), KEYS)) {
            while (it.hasNext() && out.size() < n) {
                out.add(it.next().value);
            }
        }
        return out;
    }

    /** Drops the policy's examples up to and including {@code seq} (those a finished update trained on). */
    void dropThrough(String policyId, long seq) {
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, Example> it = store.prefixScan(prefix(policyId), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, Example> e = it.next();
                if (e.value.seq() > seq) {
                    break;
                }
                gone.add(e.key);
            }
        }
        gone.forEach(store::delete);
    }

    private List<String> keys(String policyId) {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, Example> it = store.prefixScan(prefix(policyId), KEYS)) {
            while (it.hasNext()) {
                out.add(it.next().key);
            }
        }
        return out;
    }

    private static String prefix(String policyId) {
        return policyId + CatalogKeys.SEPARATOR;
    }

    private static String key(String policyId, long seq) {
        return prefix(policyId) + String.format(Locale.ROOT, "%019d", seq);
    }
}
