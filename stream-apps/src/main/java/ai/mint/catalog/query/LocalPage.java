package ai.mint.catalog.query;

import java.util.List;

/** The first policies, in key order, that one instance holds; or why it cannot list them now. */
public sealed interface LocalPage {

    /** Summaries in policy-id order (UTF-8 byte order, as the stores keep them). */
    record Page(List<PolicySummary> items) implements LocalPage {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** The stores cannot be listed now. */
    record NotReady(String reason) implements LocalPage {
    }
}
