package ai.mint.catalog.query;

import ai.mint.common.catalog.PolicySummary;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One instance's policies after a cursor, in id order: what it found and how far it looked. An instance stops at the
 * page size or after a bounded number of entries (a selective filter over 10^6 policies must not scan them all in one
 * request), so {@code scannedTo} tells the merging instance up to where this answer is complete.
 *
 * @param items     the matching policies found, in id order
 * @param complete  true when the instance has nothing after the last key it looked at
 * @param scannedTo the last key looked at (null when nothing was)
 */
public record PolicyPage(
        @JsonProperty("items") List<PolicySummary> items,
        @JsonProperty("complete") boolean complete,
        @JsonProperty("scanned_to") String scannedTo) {

    public PolicyPage {
        items = List.copyOf(items);
    }
}
