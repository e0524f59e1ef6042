package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.catalog.query.CatalogHttpServer;
import ai.mint.catalog.query.CatalogReaders;
import ai.mint.catalog.query.StreamsCatalogReader;
import ai.mint.common.catalog.PolicyFilter;
import ai.mint.common.catalog.PolicySummary;
import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.catalog.lookup.CatalogLookupException;
import ai.mint.common.catalog.lookup.Page;
import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lookup library against the real query API over a catalog folded by the real topology: what it returns equals
 * what the stores hold, it caches within its bound, pages and counts, reloads what is too old, and says clearly when
 * the catalog cannot answer.
 */
class CatalogLookupTest {

    @TempDir
    Path stateDir;
    private CatalogTestScenarios.Folded folded;
    private CatalogDriver catalog;
    private CatalogHttpServer server;
    private String url;

    @BeforeEach
    void start() throws Exception {
        folded = CatalogTestScenarios.sevenPolicies(stateDir);
        catalog = folded.driver();
        server = CatalogHttpServer.start(CatalogReaders.over(catalog), "127.0.0.1", 0);
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        catalog.close();
    }

    @Test
    void shouldReturnWhatTheStoresHoldAndAnswerRepeatsFromItsBoundedCache() {
        try (CatalogLookup lookup = CatalogLookup.builder(url).cacheCapacity(3).maxAge(Duration.ofMinutes(1)).build()) {
            for (String id : folded.policyIds()) {
                assertThat(lookup.entry(id)).contains(catalog.entry(id));
            }
            String gated = folded.policyIds().get(1);
            assertThat(lookup.entry(gated)).contains(catalog.entry(gated));
            assertThat(lookup.servingRevision(gated)).contains("r2");
            assertThat(lookup.isActive(gated)).isTrue();
            assertThat(lookup.entry("no-such-policy")).isEmpty();

            assertThat(lookup.entryStats().size()).isBetween(1, 3);
            assertThat(lookup.entryStats().evictions()).isGreaterThanOrEqualTo(folded.policyIds().size() - 3);
            lookup.entry(gated);
            assertThat(lookup.entryStats().hits()).isPositive();
        }
    }

    @Test
    void shouldFindRevisionsTheEntryNoLongerCarries() {
        Events events = new Events();
        String p = "many-revisions";
        catalog.specs.pipeInput(p, events.spec(p, null));
        for (int step = 1; step <= 40; step++) {
            catalog.updates.pipeInput(p, events.update(p, step == 1 ? "" : "r" + (step - 1), "r" + step, step));
        }
        try (CatalogLookup lookup = CatalogLookup.builder(url).build()) {
            assertThat(lookup.entry(p).orElseThrow().getRevisions()).extracting(RevisionInfo::getRevision)
                    .doesNotContain("r1");
            RevisionInfo first = lookup.revision(p, "r1").orElseThrow();
            assertThat(first.getStep()).isEqualTo(1);
            assertThat(first.getState()).isEqualTo(RevisionState.RETIRED); // never served, left the newest 16
            assertThat(lookup.revision(p, "r40").orElseThrow().getState()).isEqualTo(RevisionState.TRAINED);
            assertThat(lookup.revision(p, "r99")).isEmpty();
            List<String> all = new ArrayList<>();
            String after = null;
            do {
                var page = lookup.revisions(p, after, 15).orElseThrow();
                page.items().forEach(r -> all.add(r.getRevision().getRevision()));
                after = page.nextCursor();
            } while (after != null);
            assertThat(all).hasSize(40).doesNotHaveDuplicates();
            assertThat(lookup.history(p, 0, 10).orElseThrow().items()).isEmpty();
        }
    }

    @Test
    void shouldPageAndCountWithFilters() {
        try (CatalogLookup lookup = CatalogLookup.builder(url).build()) {
            PolicyFilter acme = new PolicyFilter(Map.of("tenant", "acme"), null, null);
            Page<PolicySummary> first = lookup.policies(acme, null, 2);
            Page<PolicySummary> second = lookup.policies(acme, first.nextCursor(), 2);
            assertThat(first.items()).extracting(PolicySummary::policyId).containsExactly("policy-a", "policy-b");
            assertThat(second.items()).extracting(PolicySummary::policyId).containsExactly("policy-c");
            assertThat(second.hasMore()).isFalse();
            assertThat(first.items().get(0).labels()).containsEntry("tenant", "acme");
            assertThat(lookup.count(acme)).isEqualTo(3);
            assertThat(lookup.count(PolicyFilter.ALL)).isEqualTo(7);
        }
    }

    @Test
    void shouldSeeAPolicyRegisteredLaterAndReloadWhatIsTooOld() throws Exception {
        Events events = new Events();
        String late = "registered-later";
        try (CatalogLookup lookup = CatalogLookup.builder(url).maxAge(Duration.ofMillis(50)).build()) {
            assertThat(lookup.entry(late)).isEmpty();
            Thread registrar = new Thread(() -> {
                sleep(200);
                catalog.specs.pipeInput(late, events.spec(late, null));
            });
            registrar.start();
            assertThat(lookup.awaitEntry(late, Duration.ofSeconds(10))).isPresent();
            registrar.join();

            catalog.updates.pipeInput(late, events.update(late, "", "r1", 1));
            catalog.exports.pipeInput(late, events.export(late, "r1", 1));
            catalog.serves.pipeInput(late, events.serve(late, "r1"));
            sleep(100);
            assertThat(lookup.servingRevision(late)).contains("r1");
        }
    }

    @Test
    void shouldRetryARestoringCatalogThenSayWhatWentWrong() throws Exception {
        try (CatalogHttpServer restoring = CatalogHttpServer.start(new StreamsCatalogReader(), "127.0.0.1", 0);
             CatalogLookup lookup = CatalogLookup.builder("http://127.0.0.1:" + restoring.port())
                     .timeout(Duration.ofMillis(1500)).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> lookup.entry("x")).isInstanceOf(CatalogLookupException.class)
                    .hasMessageContaining("no answer").hasMessageContaining("catalog is starting");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        try (CatalogLookup lookup = CatalogLookup.builder("http://127.0.0.1:1", url).build()) {
            CatalogEntry viaSecond = lookup.entry("policy-a").orElseThrow(); // the first URL is unreachable
            assertThat(viaSecond.getPolicyId()).isEqualTo("policy-a");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
