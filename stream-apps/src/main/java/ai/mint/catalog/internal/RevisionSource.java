package ai.mint.catalog.internal;

import ai.mint.events.RevisionInfo;
import java.util.Optional;
import java.util.function.Consumer;

/** The revisions the catalog has stored for a policy, beyond the few its entry carries. Read only. */
public interface RevisionSource {

    Optional<RevisionInfo> find(String policyId, String revision);

    /** Every stored revision of the policy, in no particular order. */
    void forEach(String policyId, Consumer<RevisionInfo> action);

    /** No stored revisions: what a policy's first events see, and what tests of entry-only rules pass. */
    RevisionSource NONE = new RevisionSource() {
        @Override
        public Optional<RevisionInfo> find(String policyId, String revision) {
            return Optional.empty();
        }

        @Override
        public void forEach(String policyId, Consumer<RevisionInfo> action) {
        }
    };
}
