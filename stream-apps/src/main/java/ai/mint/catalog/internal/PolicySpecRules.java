package ai.mint.catalog.internal;

import ai.mint.catalog.RetentionSettings;
import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.common.catalog.PolicySpecChecks;
import ai.mint.events.CatalogEntry;
import ai.mint.events.PolicySpec;
import java.util.ArrayList;
import java.util.Optional;

/** Creates a policy's catalog entry from its first spec, and replaces the spec of an existing one. */
final class PolicySpecRules {

    private PolicySpecRules() {
    }

    static Outcome apply(CatalogEntry current, PolicySpec spec, EventHeader header, RevisionSource stored,
                         RetentionSettings retention) {
        Optional<String> problem = PolicySpecChecks.problem(spec);
        if (problem.isPresent()) {
            return Outcome.rejected(Kind.INVALID_SPEC, "policy " + header.policyId() + ": " + problem.get());
        }
        if (current == null) {
            CatalogEntry created = CatalogEntry.newBuilder()
                    .setEventId(DerivedIds.of(header.eventId(), "catalog-entry"))
                    .setPolicyId(header.policyId())
                    .setTime(header.time())
                    .setSpec(PolicySpec.newBuilder(spec).build())
                    .setRevisions(new ArrayList<>())
                    .setServingRevision(null)
                    .setHistory(new ArrayList<>())
                    .setUpdatedAt(header.time())
                    .setVersion(1)
                    .build();
            return Outcome.changed(PolicyEdit.ofCreated(created, header, retention).finish());
        }
        // Adapters are trained against one base model and shape; changing either would silently orphan every revision.
        Optional<String> change = PolicySpecChecks.changeProblem(current.getSpec(), spec);
        if (change.isPresent()) {
            return Outcome.rejected(Kind.INVALID_SPEC, "policy " + header.policyId() + ": " + change.get());
        }
        PolicyEdit edit = PolicyEdit.of(current, header, stored, retention);
        edit.entry().setSpec(PolicySpec.newBuilder(spec).build());
        return Outcome.changed(edit.finish());
    }
}
