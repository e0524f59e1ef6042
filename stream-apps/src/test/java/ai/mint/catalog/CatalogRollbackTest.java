package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.PointerMove;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.RevisionState;
import ai.mint.events.RollbackResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollbacks. Every test starts from the same policy: r1 served, r2 exported only, r3 failed eval, r4 serving
 * (gate: mean_reward >= 0.5, +0.05 over serving).
 */
class CatalogRollbackTest extends CatalogDriverFixture {

    private static final String P = "policy-r";

    private CatalogEntry before;

    @BeforeEach
    void buildPolicyWithFourRevisions() {
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.05)));
        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));
        catalog.exports.pipeInput(P, events.export(P, "r1", 1));
        catalog.evals.pipeInput(P, events.eval(P, "r1", 0.6));
        catalog.updates.pipeInput(P, events.update(P, "r1", "r2", 2));
        catalog.exports.pipeInput(P, events.export(P, "r2", 2));
        catalog.updates.pipeInput(P, events.update(P, "r2", "r3", 3));
        catalog.exports.pipeInput(P, events.export(P, "r3", 3));
        catalog.evals.pipeInput(P, events.eval(P, "r3", 0.4));
        catalog.updates.pipeInput(P, events.update(P, "r3", "r4", 4));
        catalog.exports.pipeInput(P, events.export(P, "r4", 4));
        catalog.evals.pipeInput(P, events.eval(P, "r4", 0.8));
        before = catalog.entry(P);
        assertThat(before.getServingRevision()).isEqualTo("r4");
        catalog.serveResults.readValuesToList();
        catalog.drainCatalog();
    }

    private void assertRefused(String expectedReasonPart, String expectedErrorClass) {
        RollbackResult result = catalog.rollbackResults.readValue();
        assertThat(result.getAccepted()).isFalse();
        assertThat(result.getFromRevision()).isEqualTo("r4");
        assertThat(result.getReason()).contains(expectedReasonPart);
        DeadLetter letter = catalog.deadLetters.readValue();
        assertThat(letter.getErrorClass()).isEqualTo(expectedErrorClass);
        assertThat(letter.getSourceTopic()).isEqualTo(catalog.topics.rollbackRequests());
        assertThat(catalog.entry(P)).isEqualTo(before);
        assertThat(catalog.catalog.isEmpty()).isTrue();
    }

    @Test
    void shouldRollBackToMostRecentGoodRevisionWhenNoTargetGiven() {
        catalog.rollbacks.pipeInput(P, events.rollback(P, null));

        RollbackResult result = catalog.rollbackResults.readValue();
        assertThat(result.getAccepted()).isTrue();
        assertThat(result.getFromRevision()).isEqualTo("r4");
        assertThat(result.getToRevision()).isEqualTo("r1"); // r3 failed eval, r2 never served nor passed
        CatalogEntry entry = catalog.entry(P);
        assertThat(entry.getServingRevision()).isEqualTo("r1");
        assertThat(entry.getRevisions()).filteredOn(r -> r.getRevision().equals("r4"))
                .extracting(r -> r.getState()).containsExactly(RevisionState.RETIRED);
        PointerMove last = entry.getHistory().get(entry.getHistory().size() - 1);
        assertThat(last.getKind()).isEqualTo(PointerMoveKind.ROLLBACK);
        assertThat(last.getFrom()).isEqualTo("r4");
        assertThat(last.getTo()).isEqualTo("r1");
        assertThat(last.getReason()).isEqualTo("regressed");
        assertThat(last.getRequestedBy()).isEqualTo("bob");
        assertThat(catalog.drainCatalog()).extracting(kv -> kv.value).containsExactly(entry);
        assertThat(catalog.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRejectRollbackToUnservedRevision() {
        catalog.rollbacks.pipeInput(P, events.rollback(P, "r2"));
        assertRefused("rollback target r2 is EXPORTED and never served or passed eval", "ILLEGAL_TRANSITION");
    }

    @Test
    void shouldRejectRollbackToRevisionThatFailedEval() {
        catalog.rollbacks.pipeInput(P, events.rollback(P, "r3"));
        assertRefused("rollback target r3 is EVAL_FAILED", "ILLEGAL_TRANSITION");
    }

    @Test
    void shouldRejectRollbackToUnknownRevision() {
        catalog.rollbacks.pipeInput(P, events.rollback(P, "r9"));
        assertRefused("cannot roll back to unknown revision r9", "UNKNOWN_REVISION");
    }

    @Test
    void shouldRejectRollbackToServingRevision() {
        catalog.rollbacks.pipeInput(P, events.rollback(P, "r4"));
        assertRefused("rollback target r4 is not earlier than serving r4", "ILLEGAL_TRANSITION");
    }

    @Test
    void shouldRejectRollbackWhenNothingEarlierIsGood() {
        catalog.rollbacks.pipeInput(P, events.rollback(P, "r1"));
        catalog.rollbackResults.readValue();
        catalog.drainCatalog();
        before = catalog.entry(P);

        // r1 serves now and is the oldest revision
        catalog.rollbacks.pipeInput(P, events.rollback(P, null));
        RollbackResult result = catalog.rollbackResults.readValue();
        assertThat(result.getAccepted()).isFalse();
        assertThat(result.getToRevision()).isEmpty();
        assertThat(result.getReason()).contains("no revision before serving r1 has served or passed eval");
        assertThat(catalog.entry(P)).isEqualTo(before);
    }
}
