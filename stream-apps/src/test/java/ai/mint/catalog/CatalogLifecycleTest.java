package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.PointerMove;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.ServeResult;
import org.junit.jupiter.api.Test;

/** The lifecycle from spec to serving, through the whole topology: output topics and store contents. */
class CatalogLifecycleTest extends CatalogDriverFixture {

    private static final String P = "policy-a";

    private static RevisionInfo revision(CatalogEntry entry, String revision) {
        return entry.getRevisions().stream().filter(r -> r.getRevision().equals(revision)).findFirst().orElseThrow();
    }

    /** Trains, exports and evaluates a revision on top of {@code base} (empty for the first). */
    private void trainExportEval(String base, String revision, int step, double score) {
        catalog.updates.pipeInput(P, events.update(P, base, revision, step));
        catalog.exports.pipeInput(P, events.export(P, revision, step));
        catalog.evals.pipeInput(P, events.eval(P, revision, score));
    }

    @Test
    void shouldCreateEntryFromSpecAndPublishIt() {
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.0)));

        CatalogEntry stored = catalog.entry(P);
        assertThat(stored.getSpec().getLora().getRank()).isEqualTo(8);
        assertThat(stored.getRevisions()).isEmpty();
        assertThat(stored.getServingRevision()).isNull();
        assertThat(catalog.catalog.readKeyValue().value).isEqualTo(stored);
        assertThat(catalog.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRecordEveryStageOfARevision() {
        catalog.specs.pipeInput(P, events.spec(P, null));
        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));
        assertThat(revision(catalog.entry(P), "r1").getState()).isEqualTo(RevisionState.TRAINED);
        assertThat(revision(catalog.entry(P), "r1").getParentRevision()).isNull();

        catalog.exports.pipeInput(P, events.export(P, "r1", 1));
        RevisionInfo exported = revision(catalog.entry(P), "r1");
        assertThat(exported.getState()).isEqualTo(RevisionState.EXPORTED);
        assertThat(exported.getAdapterUri()).isEqualTo("file:///adapters/policy-a/r1");
        assertThat(exported.getSha256()).isEqualTo(Events.SHA);
        assertThat(exported.getBytes()).isEqualTo(4096L);

        catalog.evals.pipeInput(P, events.eval(P, "r1", 0.7));
        RevisionInfo evaluated = revision(catalog.entry(P), "r1");
        assertThat(evaluated.getState()).isEqualTo(RevisionState.EVAL_PASSED);
        assertThat(evaluated.getEvalScores()).containsEntry("mean_reward", 0.7);

        catalog.updates.pipeInput(P, events.update(P, "r1", "r2", 2));
        assertThat(revision(catalog.entry(P), "r2").getParentRevision()).isEqualTo("r1");
        // no gate: eval passes but nothing is promoted by itself
        assertThat(catalog.entry(P).getServingRevision()).isNull();
        assertThat(catalog.serveResults.isEmpty()).isTrue();
        // one published entry per change, the last one equal to the store
        var published = catalog.drainCatalog();
        assertThat(published).hasSize(5);
        assertThat(published.get(4).value).isEqualTo(catalog.entry(P));
    }

    @Test
    void shouldAutoPromoteRevisionThatPassesGate() {
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.05)));
        trainExportEval("", "r1", 1, 0.6);

        ServeResult promoted = catalog.serveResults.readValue();
        assertThat(promoted.getAccepted()).isTrue();
        assertThat(promoted.getRevision()).isEqualTo("r1");
        assertThat(promoted.getFromRevision()).isNull();
        assertThat(promoted.getCorrelationId()).isEqualTo("corr-eval-r1");
        assertThat(promoted.getReason()).startsWith("auto-promoted: mean_reward 0.6000 >= min_score 0.5000");

        CatalogEntry entry = catalog.entry(P);
        assertThat(entry.getServingRevision()).isEqualTo("r1");
        assertThat(revision(entry, "r1").getState()).isEqualTo(RevisionState.SERVING);
        PointerMove move = entry.getHistory().get(0);
        assertThat(move.getKind()).isEqualTo(PointerMoveKind.PROMOTE);
        assertThat(move.getFrom()).isNull();
        assertThat(move.getTo()).isEqualTo("r1");
        assertThat(move.getRequestedBy()).isEqualTo(CatalogDriver.APP);

        // a better revision replaces it; the old one retires
        trainExportEval("r1", "r2", 2, 0.7);
        ServeResult second = catalog.serveResults.readValue();
        assertThat(second.getFromRevision()).isEqualTo("r1");
        assertThat(second.getReason()).contains("+0.1000 over serving r1");
        entry = catalog.entry(P);
        assertThat(entry.getServingRevision()).isEqualTo("r2");
        assertThat(revision(entry, "r1").getState()).isEqualTo(RevisionState.RETIRED);
        assertThat(entry.getHistory()).extracting(PointerMove::getTo).containsExactly("r1", "r2");
    }

    @Test
    void shouldKeepServingRevisionWhenEvalFails() {
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.05)));
        trainExportEval("", "r1", 1, 0.6);
        catalog.serveResults.readValue();
        // above min_score, but only +0.02 over the serving revision where +0.05 is required
        trainExportEval("r1", "r2", 2, 0.62);

        CatalogEntry entry = catalog.entry(P);
        assertThat(entry.getServingRevision()).isEqualTo("r1");
        assertThat(revision(entry, "r1").getState()).isEqualTo(RevisionState.SERVING);
        assertThat(revision(entry, "r2").getState()).isEqualTo(RevisionState.EVAL_FAILED);
        assertThat(revision(entry, "r2").getEvalScores()).containsEntry("mean_reward", 0.62);
        assertThat(entry.getHistory()).hasSize(1);
        assertThat(catalog.serveResults.isEmpty()).isTrue();
        assertThat(catalog.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRejectServeOfRevisionThatHasNotPassedGate() {
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.0)));
        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));
        catalog.exports.pipeInput(P, events.export(P, "r1", 1));
        CatalogEntry before = catalog.entry(P);
        catalog.drainCatalog();

        catalog.serves.pipeInput(P, events.serve(P, "r1"));

        ServeResult refused = catalog.serveResults.readValue();
        assertThat(refused.getAccepted()).isFalse();
        assertThat(refused.getReason()).contains("EXPORTED but has not passed the promotion gate");
        DeadLetter letter = catalog.deadLetters.readValue();
        assertThat(letter.getErrorClass()).isEqualTo("ILLEGAL_TRANSITION");
        assertThat(letter.getReason()).isEqualTo(refused.getReason());
        assertThat(letter.getSourceTopic()).isEqualTo(catalog.topics.serveRequests());
        assertThat(catalog.entry(P)).isEqualTo(before);
        assertThat(catalog.catalog.isEmpty()).isTrue();
    }

    @Test
    void shouldRejectServeOfRevisionNotYetExported() {
        catalog.specs.pipeInput(P, events.spec(P, null));
        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));
        catalog.serves.pipeInput(P, events.serve(P, "r1"));

        assertThat(catalog.serveResults.readValue().getAccepted()).isFalse();
        assertThat(catalog.deadLetters.readValue().getReason()).contains("TRAINED but not exported");
        assertThat(catalog.entry(P).getServingRevision()).isNull();
    }

    @Test
    void shouldServeExportedRevisionWhenPolicyHasNoGate() {
        catalog.specs.pipeInput(P, events.spec(P, null));
        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));
        catalog.exports.pipeInput(P, events.export(P, "r1", 1));
        catalog.serves.pipeInput(P, events.serve(P, "r1"));

        ServeResult result = catalog.serveResults.readValue();
        assertThat(result.getAccepted()).isTrue();
        assertThat(result.getCorrelationId()).isEqualTo("corr-serve-r1");
        CatalogEntry entry = catalog.entry(P);
        assertThat(entry.getServingRevision()).isEqualTo("r1");
        PointerMove move = entry.getHistory().get(0);
        assertThat(move.getRequestedBy()).isEqualTo("alice");
        assertThat(move.getReason()).isEqualTo("manual");
        assertThat(catalog.deadLetters.isEmpty()).isTrue();
    }
}
