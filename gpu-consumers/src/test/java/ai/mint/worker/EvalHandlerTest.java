package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.store.FilesystemAdapterStore;
import ai.mint.common.store.StoredArtifact;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.EvalSpec;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An eval scores exactly the adapter the catalog recorded for the revision's export: the address and checksum an eval
 * request carries are never trusted, so a forged request cannot have another adapter's score counted for a revision.
 */
class EvalHandlerTest {

    private static final String POLICY = "p";

    @TempDir
    Path tmp;

    private WorkerFixture fixture;
    private FilesystemAdapterStore store;
    private StoredArtifact exported;
    private StoredArtifact other;

    @BeforeEach
    void setUp() {
        fixture = new WorkerFixture(tmp);
        store = new FilesystemAdapterStore(tmp.resolve("store"));
        exported = store.put(POLICY, "sampler", "rev-1", adapter("exported", 61));
        other = store.put(POLICY, "sampler", "forged", adapter("other", 62));
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void shouldScoreTheAdapterTheCatalogRecordedForTheRevision() {
        WorkerFixture.Roles worker = fixture.worker(store, POLICY);
        record(worker, exported);

        EvalResult result = (EvalResult) worker.eval().handle(request(exported)).event();

        assertThat(result.getError()).isNull();
        assertThat(result.getScores()).containsKey("reward");
        assertThat(result.getSamples()).isEqualTo(4);
    }

    @Test
    void shouldRefuseAnEvalRequestThatNamesAnotherAdapterThanTheCatalogRecorded() {
        WorkerFixture.Roles worker = fixture.worker(store, POLICY);
        record(worker, exported);

        // a file inside the store with its own correct checksum: before this check it was scored as rev-1
        assertThatThrownBy(() -> worker.eval().handle(request(other)))
                .isInstanceOf(RejectedWorkException.class)
                .hasMessageContaining("names adapter '" + other.uri() + "'")
                .hasMessageContaining("the catalog records '" + exported.uri() + "'");
    }

    @Test
    void shouldRefuseAnEvalRequestWhoseChecksumDiffersFromTheCatalogs() {
        WorkerFixture.Roles worker = fixture.worker(store, POLICY);
        record(worker, exported);
        EvalRequest forged = EvalRequest.newBuilder(request(exported)).setSha256(other.sha256()).build();

        assertThatThrownBy(() -> worker.eval().handle(forged))
                .isInstanceOf(RejectedWorkException.class)
                .hasMessageContaining("names checksum " + other.sha256());
    }

    @Test
    void shouldWaitForAnExportTheCatalogRecordsAMomentAfterTheRequestArrives() {
        WorkerFixture.Roles worker = fixture.worker(store, POLICY);
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
            sleep(300);
            record(worker, exported);
        });

        EvalResult result = (EvalResult) worker.eval().handle(request(exported)).event();

        late.join();
        assertThat(result.getScores()).containsKey("reward");
    }

    @Test
    void shouldRefuseARevisionTheCatalogDoesNotKnow() {
        WorkerFixture.Roles worker = fixture.worker(store, POLICY);

        assertThatThrownBy(() -> worker.eval().handle(request(exported)))
                .isInstanceOf(RejectedWorkException.class)
                .hasMessageContaining("has no revision 'rev-1' in the catalog");
    }

    private Path adapter(String name, long seed) {
        Path dir = tmp.resolve(name);
        PeftAdapterIo.write(dir, LoraWeights.random(TestModels.microDense(), EnumSet.of(Projection.Q, Projection.V),
                4, 8f, seed, true), TestModels.microDense());
        return dir;
    }

    /** The catalog's entry for the policy now holds rev-1, exported as {@code artifact}. */
    private static void record(WorkerFixture.Roles worker, StoredArtifact artifact) {
        RevisionInfo revision = RevisionInfo.newBuilder().setRevision("rev-1").setStep(1).setRank(4)
                .setAdapterUri(artifact.uri()).setSha256(artifact.sha256()).setBytes(artifact.bytes())
                .setState(RevisionState.EXPORTED).setCreatedAt(Instant.EPOCH).setProducedBy("test").build();
        CatalogEntry entry = CatalogEntry.newBuilder(WorkerFixture.entry(POLICY))
                .setRevisions(List.of(revision)).build();
        ((CatalogFollower) worker.ctx().catalog()).accept(entry);
    }

    private static EvalRequest request(StoredArtifact artifact) {
        return EvalRequest.newBuilder().setEventId("eval-1").setPolicyId(POLICY).setTime(Instant.EPOCH)
                .setCorrelationId("c").setProducedBy("test").setRevision("rev-1")
                .setAdapterUri(artifact.uri()).setSha256(artifact.sha256())
                .setEval(EvalSpec.newBuilder().setPrompts(List.of("ab", "cd")).setSamplesPerPrompt(2)
                        .setMetric("reward").build())
                .build();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
