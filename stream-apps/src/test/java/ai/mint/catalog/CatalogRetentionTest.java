package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.catalog.CatalogKeys;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.PointerMove;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.RetirementReason;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionRetired;
import ai.mint.events.RevisionState;
import ai.mint.events.TrainingSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention through the whole topology, with the newest 3 revisions kept and one hour of grace: revisions that leave
 * the newest or whose time to live ends are retired (and a notice says when their files may go), unless they serve,
 * served or passed eval. Also the refusals around specs, and the upgrade of entries written before bounds existed.
 */
class CatalogRetentionTest {

    private static final String P = "policy-k";
    private static final RetentionSettings RETENTION = new RetentionSettings(3, Duration.ofHours(1), Duration.ofMinutes(1));

    @TempDir
    Path stateDir;
    private CatalogDriver catalog;
    private final Events events = new Events();

    @BeforeEach
    void start() {
        catalog = new CatalogDriver(stateDir, RETENTION);
    }

    @AfterEach
    void stop() {
        catalog.close();
    }

    private RevisionInfo stored(String revision) {
        return catalog.revisions().get(CatalogKeys.revisionKey(P, revision)).getRevision();
    }

    private List<String> entryRevisions() {
        return catalog.entry(P).getRevisions().stream().map(RevisionInfo::getRevision).toList();
    }

    /** r{step} trained from r{step-1}, exported (with a time to live when ttl is not null), evaluated when score is. */
    private void revision(int step, Double score, Long ttlMs) {
        String rev = "r" + step;
        catalog.updates.pipeInput(P, events.update(P, step == 1 ? "" : "r" + (step - 1), rev, step));
        catalog.exports.pipeInput(P, ttlMs == null ? events.export(P, rev, step) : events.export(P, rev, step, ttlMs));
        if (score != null) {
            catalog.evals.pipeInput(P, events.eval(P, rev, score));
        }
    }

    @Test
    void shouldRetireRevisionsLeavingTheNewestUnlessTheyServedOrPassedEval() {
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.0)));
        revision(1, 0.6, null);  // promoted: serves
        revision(2, 0.3, null);  // fails eval
        revision(3, null, null); // exported, never evaluated
        revision(4, 0.3, null);
        assertThat(catalog.retirements.isEmpty()).isTrue(); // r1 left the newest three, but it serves
        revision(5, 0.3, null);
        Instant r6Time = events.peekNextTime();
        revision(6, 0.3, null);

        List<RevisionRetired> notices = catalog.retirements.readValuesToList();
        assertThat(notices).extracting(RevisionRetired::getRevision).containsExactly("r2", "r3");
        RevisionRetired r3 = notices.get(1);
        assertThat(r3.getReason()).isEqualTo(RetirementReason.KEEP_LAST);
        assertThat(r3.getAdapterUri()).isEqualTo("file:///adapters/" + P + "/r3");
        assertThat(r3.getSha256()).isEqualTo(Events.SHA);
        assertThat(r3.getStateUri()).isEqualTo("file:///state/r3");
        assertThat(r3.getRemoveAfter()).isEqualTo(r6Time.plus(RETENTION.grace()));
        assertThat(stored("r3").getState()).isEqualTo(RevisionState.RETIRED);
        assertThat(stored("r3").getRetiredAt()).isEqualTo(r6Time.toEpochMilli());
        assertThat(stored("r1").getRetiredAt()).isNull();
        assertThat(entryRevisions()).containsExactly("r1", "r4", "r5", "r6");

        // a retired revision never serves again
        catalog.serves.pipeInput(P, events.serve(P, "r3"));
        assertThat(catalog.serveResults.readValuesToList()).last()
                .satisfies(r -> assertThat(r.getReason()).contains("retired by retention"));
        assertThat(catalog.entry(P).getServingRevision()).isEqualTo("r1");
    }

    @Test
    void shouldRetireExpiredCheckpointsButNeverTheServingOrARollbackTarget() {
        long tenMinutes = Duration.ofMinutes(10).toMillis();
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.0)));
        revision(1, 0.6, tenMinutes);  // serves
        revision(2, 0.3, tenMinutes);  // failed eval
        revision(3, null, tenMinutes); // exported only
        assertThat(catalog.expiries().approximateNumEntries()).isEqualTo(3);

        catalog.driver.advanceWallClockTime(Duration.ofMinutes(5)); // not due yet
        assertThat(catalog.retirements.isEmpty()).isTrue();
        catalog.driver.advanceWallClockTime(Duration.ofMinutes(10));

        assertThat(catalog.retirements.readValuesToList())
                .allSatisfy(r -> assertThat(r.getReason()).isEqualTo(RetirementReason.EXPIRED))
                .extracting(RevisionRetired::getRevision).containsExactlyInAnyOrder("r2", "r3");
        assertThat(stored("r1").getRetiredAt()).isNull();
        assertThat(stored("r2").getState()).isEqualTo(RevisionState.RETIRED);
        assertThat(catalog.entry(P).getServingRevision()).isEqualTo("r1");
        assertThat(catalog.entry(P).getRevisions()).filteredOn(r -> r.getRevision().equals("r3"))
                .singleElement().satisfies(r -> assertThat(r.getRetiredAt()).isNotNull());
        try (var it = catalog.expiries().all()) {
            assertThat(it.hasNext()).as("every due expiry was handled").isFalse();
        }
    }

    @Test
    void shouldRefuseASpecThatChangesBaseModelOrLoraShapeNamingTheField() {
        catalog.specs.pipeInput(P, events.spec(P, 8, 16.0, null));
        var otherRank = events.spec(P, 4, 16.0, null);
        var otherBase = events.spec(P, null);
        otherBase.setBaseModel("other-base");
        var otherTargets = events.spec(P, null);
        otherTargets.getLora().setTargetModules(List.of("q_proj", "v_proj"));
        catalog.specs.pipeInput(P, otherRank);
        catalog.specs.pipeInput(P, otherBase);
        catalog.specs.pipeInput(P, otherTargets);

        List<DeadLetter> letters = catalog.deadLetters.readValuesToList();
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsOnly("INVALID_SPEC");
        assertThat(letters.get(0).getReason()).contains("lora.rank cannot change from 8 to 4")
                .contains("register a new policy id instead");
        assertThat(letters.get(1).getReason()).contains("base_model cannot change from 'tiny-base' to 'other-base'");
        assertThat(letters.get(2).getReason()).contains("lora.target_modules cannot change");
        assertThat(catalog.entry(P).getSpec().getLora().getRank()).isEqualTo(8);

        // changing what is not the shape (training) is a re-spec like any other
        var training = events.spec(P, null);
        training.setTraining(TrainingSpec.newBuilder().setPrompts(List.of("hi")).setGroupSize(2).setSteps(3)
                .setLearningRate(0.01).setMaxTokens(4).setTemperature(1.0).setKlCoef(0.0).setSeed(1L).build());
        catalog.specs.pipeInput(P, training);
        assertThat(catalog.entry(P).getSpec().getTraining().getSteps()).isEqualTo(3);
        assertThat(catalog.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseAPolicyIdWithTheRevisionSeparator() {
        catalog.specs.pipeInput("a@b", events.spec("a@b", null));
        assertThat(catalog.deadLetters.readValue().getReason()).contains("contains '@'");
        assertThat(catalog.entry("a@b")).isNull();
    }

    @Test
    void shouldUpgradeAnEntryWrittenBeforeBoundsExisted() {
        catalog.specs.pipeInput(P, events.spec(P, null));
        CatalogEntry bounded = catalog.entry(P);
        // the shape older catalogs wrote: every revision and move in the entry, no version or counts
        List<RevisionInfo> revisions = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            revisions.add(RevisionInfo.newBuilder().setRevision("r" + i).setParentRevision(i == 1 ? null : "r" + (i - 1))
                    .setStep(i).setRank(8).setState(i == 10 ? RevisionState.SERVING
                            : i == 2 ? RevisionState.RETIRED : RevisionState.EXPORTED)
                    .setAdapterUri("file:///a/r" + i).setSha256(Events.SHA).setBytes(10L).setEvalScores(Map.of())
                    .setCreatedAt(Instant.parse("2025-12-01T00:00:00Z").plusSeconds(i)).setProducedBy("w").build());
        }
        List<PointerMove> history = List.of(
                PointerMove.newBuilder().setTime(Instant.parse("2025-12-02T00:00:00Z")).setFrom(null).setTo("r2")
                        .setKind(PointerMoveKind.PROMOTE).setReason("first").setRequestedBy("alice").build(),
                PointerMove.newBuilder().setTime(Instant.parse("2025-12-03T00:00:00Z")).setFrom("r2").setTo("r10")
                        .setKind(PointerMoveKind.PROMOTE).setReason("better").setRequestedBy("alice").build());
        CatalogEntry old = CatalogEntry.newBuilder(bounded).setRevisions(revisions).setServingRevision("r10")
                .setHistory(history).setVersion(0).setRevisionCount(0).setHistoryCount(0).build();
        catalog.entries().put(P, old);

        catalog.updates.pipeInput(P, events.update(P, "r10", "r11", 11));

        CatalogEntry upgraded = catalog.entry(P);
        assertThat(upgraded.getVersion()).isEqualTo(1);
        assertThat(upgraded.getRevisionCount()).isEqualTo(11);
        assertThat(upgraded.getHistoryCount()).isEqualTo(2);
        assertThat(entryRevisions()).containsExactly("r9", "r10", "r11");
        assertThat(stored("r2").getServed()).isTrue();
        assertThat(stored("r2").getRetiredAt()).isNull(); // it served: a rollback target
        assertThat(stored("r3").getRetiredAt()).isNotNull();
        assertThat(catalog.retirements.readValuesToList()).extracting(RevisionRetired::getRevision)
                .containsExactly("r1", "r3", "r4", "r5", "r6", "r7", "r8");
        assertThat(catalog.history().get(CatalogKeys.historyKey(P, 2)).getMove().getTo()).isEqualTo("r10");
    }
}
