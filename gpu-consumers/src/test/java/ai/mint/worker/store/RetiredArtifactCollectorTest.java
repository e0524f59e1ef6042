package ai.mint.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.store.FilesystemAdapterStore;
import ai.mint.common.store.StoredArtifact;
import ai.mint.events.RetirementReason;
import ai.mint.events.RevisionRetired;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector on a real store directory: it removes due retired artifacts, and only those. */
class RetiredArtifactCollectorTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path tmp;
    private FilesystemAdapterStore store;
    private StoredArtifact serving;
    private StoredArtifact retired;
    private StoredArtifact retiredState;
    private StoredArtifact notYetDue;

    private StoredArtifact put(String kind, String name) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src-" + kind + "-" + name));
        Files.writeString(src.resolve("adapter_model.safetensors"), "weights of " + name);
        return store.put("p", kind, name, src);
    }

    private static RevisionRetired notice(String revision, StoredArtifact adapter, StoredArtifact state,
                                          Instant removeAfter) {
        return RevisionRetired.newBuilder().setEventId("e-" + revision).setPolicyId("p").setTime(NOW)
                .setRevision(revision).setReason(RetirementReason.KEEP_LAST)
                .setAdapterUri(adapter == null ? null : adapter.uri()).setSha256(adapter == null ? null : adapter.sha256())
                .setStateUri(state == null ? null : state.uri()).setRemoveAfter(removeAfter).build();
    }

    @BeforeEach
    void fill() throws IOException {
        store = new FilesystemAdapterStore(tmp.resolve("store"));
        serving = put("sampler", "r9");
        retired = put("sampler", "r1");
        retiredState = put("state", "r1");
        notYetDue = put("sampler", "r2");
    }

    @Test
    void shouldRemoveDueRetiredArtifactsOnlyAndKeepTheRest() throws IOException {
        Path outside = tmp.resolve("elsewhere");
        List<RevisionRetired> notices = List.of(
                notice("r1", retired, retiredState, NOW.minus(Duration.ofMinutes(1))),
                notice("r2", notYetDue, null, NOW.plus(Duration.ofHours(1))),
                // a notice whose digest is not what the store holds at that address: never removed
                RevisionRetired.newBuilder(notice("r9", serving, null, NOW.minusSeconds(5))).setSha256("00".repeat(32))
                        .build(),
                RevisionRetired.newBuilder(notice("r0", null, null, NOW.minusSeconds(5)))
                        .setAdapterUri(outside.toUri().toString()).build(),
                notice("r3", null, null, NOW.minusSeconds(5)));

        RetiredArtifactCollector.Report report = new RetiredArtifactCollector(store)
                .collect(notices, NOW, r -> true, false);

        assertThat(store.contains(retired.uri())).isFalse();
        assertThat(store.contains(retiredState.uri())).isFalse();
        assertThat(store.contains(serving.uri())).isTrue();
        assertThat(store.open(serving.uri(), serving.sha256())).isDirectory();
        assertThat(store.contains(notYetDue.uri())).isTrue();
        assertThat(report.removed()).isEqualTo(2);
        assertThat(report.kept()).isEqualTo(2);
        assertThat(report.pending()).isEqualTo(1);
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("sha-256 differs"))
                .anySatisfy(p -> assertThat(p).contains("outside the store"));
        try (var left = Files.list(store.root().resolve("p").resolve("sampler"))) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("r9", "r2");
        }
        // a second run finds them gone
        assertThat(new RetiredArtifactCollector(store).collect(notices, NOW, r -> true, false).alreadyGone())
                .isEqualTo(2);
    }

    @Test
    void shouldKeepWhatTheCatalogNoLongerCallsRetiredAndRemoveNothingOnADryRun() {
        List<RevisionRetired> notices = List.of(notice("r1", retired, retiredState, NOW.minusSeconds(1)));

        var dry = new RetiredArtifactCollector(store).collect(notices, NOW, r -> true, true);
        var vetoed = new RetiredArtifactCollector(store).collect(notices, NOW, r -> false, false);

        assertThat(dry.removed()).isEqualTo(2);
        assertThat(vetoed.kept()).isEqualTo(2);
        assertThat(store.contains(retired.uri())).isTrue();
        assertThat(store.contains(retiredState.uri())).isTrue();
    }
}
