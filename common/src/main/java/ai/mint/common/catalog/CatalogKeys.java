package ai.mint.common.catalog;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Keys of the catalog's per-revision and per-move records: {@code POLICY@REVISION} and {@code POLICY@SEQUENCE}. Policy
 * ids never contain {@value #SEPARATOR} ({@link PolicyIds}), so the policy is everything before the first one, and a
 * prefix scan over {@code POLICY@} finds exactly that policy's records. The same form names a revision elsewhere
 * ({@code model = policy@revision}).
 */
public final class CatalogKeys {

    /** Between the policy id and the rest of a key. */
    public static final char SEPARATOR = '@';

    private static final int SEQUENCE_DIGITS = 10;

    private CatalogKeys() {
    }

    /** {@code POLICY@REVISION}: key of a revision on the revisions topic and store. */
    public static String revisionKey(String policyId, String revision) {
        return policyId + SEPARATOR + revision;
    }

    /** {@code POLICY@0000000042}: key of a pointer move in the history store; zero-padded so keys sort by sequence. */
    public static String historyKey(String policyId, int sequence) {
        return policyId + SEPARATOR + String.format("%0" + SEQUENCE_DIGITS + "d", sequence);
    }

    /** {@code POLICY@}: the prefix every key of this policy's revisions and moves starts with. */
    public static String prefix(String policyId) {
        return policyId + SEPARATOR;
    }

    /** The policy id of a {@code POLICY@...} key, or the key itself when it has no separator. */
    public static String policyOf(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? key : key.substring(0, at);
    }

    /** What follows the policy id and separator in a key. */
    public static String suffixOf(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at < 0) {
            throw new IllegalArgumentException("key '" + key + "' has no " + SEPARATOR);
        }
        return key.substring(at + 1);
    }

    /**
     * The partition Kafka's default partitioner gives a record keyed by the policy id alone, so that records keyed
     * {@code POLICY@...} land beside the policy's own events.
     */
    public static int policyPartition(String policyId, int partitions) {
        return Utils.toPositive(Utils.murmur2(policyId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
