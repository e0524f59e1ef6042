package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.catalog.query.CatalogHttpServer;
import ai.mint.catalog.query.CatalogReaders;
import ai.mint.common.catalog.CatalogKeys;
import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionRetired;
import ai.mint.events.RevisionState;
import ai.mint.events.RollbackResult;
import ai.mint.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One policy trained for 10,000 steps: its entry stays small, no record the catalog writes comes near the topics' size
 * limit, its whole revision list and history are readable through the query API, and a rollback to any revision that
 * served still works. Every 10th revision passes eval and is promoted, every 7th is never evaluated, the rest fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatalogScaleTest {

    private static final String P = "long-lived";
    private static final int STEPS = 10_000;
    /** The bound we state for a catalog entry of a policy of any age (its spec here is a few hundred bytes). */
    private static final int ENTRY_BOUND_BYTES = 16 * 1024;

    private CatalogDriver catalog;
    private final Events events = new Events();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Set<String> served = new HashSet<>();
    private List<RevisionRetired> retired;

    private static String rev(int step) {
        return String.format("step-%05d", step);
    }

    /** Trained once for the class (about 10 s); the rollback test, which changes the pointer, runs last. */
    @BeforeAll
    void trainTenThousandSteps(@TempDir Path stateDir) {
        catalog = new CatalogDriver(stateDir);
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.0)));
        for (int step = 1; step <= STEPS; step++) {
            String base = step == 1 ? "" : rev(step - 1);
            catalog.updates.pipeInput(P, events.update(P, base, rev(step), step));
            catalog.exports.pipeInput(P, events.export(P, rev(step), step));
            if (step % 10 == 0) {
                catalog.evals.pipeInput(P, events.eval(P, rev(step), 0.9));
                served.add(rev(step));
            } else if (step % 7 != 0) {
                catalog.evals.pipeInput(P, events.eval(P, rev(step), 0.3));
            }
        }
        retired = catalog.retirements.readValuesToList(); // before the size check reads every topic
    }

    @AfterAll
    void stop() {
        catalog.close();
    }

    @Test
    @Order(1)
    void shouldKeepEveryRecordSmallWhateverThePolicysAge() {
        CatalogEntry entry = catalog.entry(P);
        assertThat(entry.getRevisionCount()).isEqualTo(STEPS);
        assertThat(entry.getHistoryCount()).isEqualTo(STEPS / 10);
        assertThat(entry.getRevisions()).hasSizeLessThanOrEqualTo(RetentionSettings.DEFAULT_KEEP_LAST + 1);
        assertThat(entry.getHistory()).hasSize(CatalogStores.ENTRY_HISTORY_MOVES);
        assertThat(entry.getServingRevision()).isEqualTo(rev(STEPS));

        Map<String, Integer> largest = catalog.largestRecordPerTopic();
        assertThat(largest).containsKeys(Topics.CATALOG.name(), Topics.CATALOG_REVISIONS.name(),
                Topics.CATALOG_HISTORY.name(), Topics.CATALOG_RETIREMENTS.name(),
                CatalogDriver.APP + "-" + CatalogStores.ENTRIES + "-changelog");
        assertThat(largest.get(Topics.CATALOG.name())).isLessThan(ENTRY_BOUND_BYTES);
        assertThat(largest.values()).allSatisfy(bytes -> assertThat(bytes).isLessThan(Topics.MAX_MESSAGE_BYTES / 64));
    }

    @Test
    @Order(2)
    void shouldRetireOnlyRevisionsThatNeverServedOutsideTheNewest() {
        Set<String> retiredIds = new HashSet<>();
        retired.forEach(r -> retiredIds.add(r.getRevision()));
        assertThat(retiredIds).hasSize(retired.size()).doesNotContainAnyElementsOf(served);
        // everything else outside the newest 16 is retired
        int kept = 0;
        for (int step = 1; step <= STEPS; step++) {
            var stored = catalog.revisions().get(CatalogKeys.revisionKey(P, rev(step))).getRevision();
            boolean newest = step > STEPS - RetentionSettings.DEFAULT_KEEP_LAST;
            boolean shouldRetire = !newest && !served.contains(rev(step));
            assertThat(stored.getRetiredAt() != null).as(rev(step)).isEqualTo(shouldRetire);
            assertThat(retiredIds.contains(rev(step))).isEqualTo(shouldRetire);
            kept += shouldRetire ? 0 : 1;
        }
        assertThat(kept).isEqualTo(STEPS / 10 + RetentionSettings.DEFAULT_KEEP_LAST - 2); // 9990, 10000 in both
    }

    @Test
    @Order(3)
    void shouldReadTheWholeRevisionListAndHistoryThroughTheApi() throws Exception {
        try (CatalogHttpServer server = CatalogHttpServer.start(CatalogReaders.over(catalog), "127.0.0.1", 0)) {
            List<String> revisions = pageAll(server, "/policies/" + P + "/revisions", "revision");
            assertThat(revisions).hasSize(STEPS).doesNotHaveDuplicates();
            assertThat(revisions.get(0)).isEqualTo(rev(1));
            assertThat(revisions.get(STEPS - 1)).isEqualTo(rev(STEPS));

            List<String> moves = pageAll(server, "/policies/" + P + "/history", "to");
            List<String> expected = new ArrayList<>();
            for (int step = 10; step <= STEPS; step += 10) {
                expected.add(rev(step));
            }
            assertThat(moves).isEqualTo(expected);
        }
    }

    @Test
    @Order(4)
    void shouldRollBackToAnyRevisionThatServed() {
        for (int step : new int[] {9_990, 5_000, 10, 20}) {
            String target = rev(step);
            catalog.rollbacks.pipeInput(P, events.rollback(P, target));
            RollbackResult result = catalog.rollbackResults.readValue();
            assertThat(result.getAccepted()).as(result.getReason()).isEqualTo(step != 20); // 20 is not before 10
            if (result.getAccepted()) {
                assertThat(catalog.entry(P).getServingRevision()).isEqualTo(target);
                assertThat(stateOf(catalog.entry(P), target)).isEqualTo(RevisionState.SERVING);
            }
        }
        // no target: the newest good revision before serving step-00010 does not exist
        catalog.rollbacks.pipeInput(P, events.rollback(P, null));
        assertThat(catalog.rollbackResults.readValue().getAccepted()).isFalse();
        // promote 9990 again, then roll back with no target: to 9980, found among the stored revisions
        catalog.serves.pipeInput(P, events.serve(P, rev(9_990)));
        catalog.rollbacks.pipeInput(P, events.rollback(P, null));
        RollbackResult back = catalog.rollbackResults.readValue();
        assertThat(back.getToRevision()).isEqualTo(rev(9_980));
        // a retired revision neither serves nor is a rollback target
        catalog.rollbacks.pipeInput(P, events.rollback(P, rev(9_971)));
        assertThat(catalog.rollbackResults.readValue().getReason()).contains("was retired by retention");
    }

    private static RevisionState stateOf(CatalogEntry entry, String revision) {
        return entry.getRevisions().stream().filter(r -> r.getRevision().equals(revision)).findFirst().orElseThrow()
                .getState();
    }

    /** Every page of a paged resource; returns {@code field} of each item (looked up anywhere in it). */
    private List<String> pageAll(CatalogHttpServer server, String path, String field) throws Exception {
        List<String> values = new ArrayList<>();
        String cursor = null;
        do {
            String url = "http://127.0.0.1:" + server.port() + path + "?limit=1000"
                    + (cursor == null ? "" : "&after=" + cursor);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = json.readTree(response.body());
            for (JsonNode item : page.path("items")) {
                JsonNode found = field.equals("revision") ? item.path("revision").path("revision") : item.findValue(field);
                values.add(found.asText());
            }
            cursor = page.path("has_more").asBoolean() ? page.path("next_cursor").asText() : null;
        } while (cursor != null);
        return values;
    }
}
