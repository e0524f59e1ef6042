package ai.mint.catalog.internal;

import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.events.CatalogEntry;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import java.util.ArrayList;
import java.util.Optional;

/** Creates a policy's catalog entry from its first spec, and replaces the spec of an existing one. */
final class PolicySpecRules {

    static final int MIN_RANK = 1;
    static final int MAX_RANK = 64;

    private PolicySpecRules() {
    }

    static Outcome apply(CatalogEntry current, PolicySpec spec, EventHeader header) {
        Optional<String> problem = validate(spec);
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
                    .build();
            return Outcome.changed(created);
        }
        // Adapters are trained against one base model; switching it would silently orphan every revision.
        String oldBase = current.getSpec().getBaseModel();
        if (!current.getRevisions().isEmpty() && !oldBase.equals(spec.getBaseModel())) {
            return Outcome.rejected(Kind.INVALID_SPEC, "policy " + header.policyId() + ": base_model cannot change from '"
                    + oldBase + "' to '" + spec.getBaseModel() + "' once revisions exist");
        }
        CatalogEntry next = Entries.nextVersion(current, header);
        next.setSpec(PolicySpec.newBuilder(spec).build());
        return Outcome.changed(next);
    }

    /** What is wrong with a spec, if anything. */
    static Optional<String> validate(PolicySpec spec) {
        if (spec.getBaseModel() == null || spec.getBaseModel().isBlank()) {
            return Optional.of("base_model is empty");
        }
        LoraSpec lora = spec.getLora();
        if (lora == null) {
            return Optional.of("lora is missing");
        }
        if (lora.getRank() < MIN_RANK || lora.getRank() > MAX_RANK) {
            return Optional.of("lora.rank " + lora.getRank() + " is out of range " + MIN_RANK + ".." + MAX_RANK);
        }
        if (!(lora.getAlpha() > 0) || Double.isInfinite(lora.getAlpha())) {
            return Optional.of("lora.alpha " + lora.getAlpha() + " must be a finite number > 0");
        }
        if (lora.getDropout() < 0 || lora.getDropout() >= 1) {
            return Optional.of("lora.dropout " + lora.getDropout() + " must be in [0, 1)");
        }
        if (spec.getGate() != null && spec.getGate().getMetric().isBlank()) {
            return Optional.of("gate.metric is empty");
        }
        if (spec.getTraining() != null) {
            if (spec.getTraining().getSteps() < 1) {
                return Optional.of("training.steps " + spec.getTraining().getSteps() + " must be >= 1");
            }
            if (spec.getTraining().getGroupSize() < 1) {
                return Optional.of("training.group_size " + spec.getTraining().getGroupSize() + " must be >= 1");
            }
        }
        return Optional.empty();
    }
}
