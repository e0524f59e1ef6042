package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog is a pure fold of its input: the same input into a fresh app yields the same stores and the same
 * output, and the compacted catalog topic alone reproduces the entries store.
 */
class CatalogReplayTest {

    @TempDir
    Path first;
    @TempDir
    Path second;

    /** Three policies interleaved, with promotions, a failed eval, a rollback, a duplicate and garbage. */
    private static List<Consumer<CatalogDriver>> scenario(int policies) {
        Events events = new Events();
        List<Consumer<CatalogDriver>> steps = new ArrayList<>();
        for (int p = 0; p < policies; p++) {
            String id = "policy-" + p;
            var spec = events.spec(id, p == 0 ? null : Events.gate(0.5, 0.01));
            steps.add(d -> d.specs.pipeInput(id, spec));
        }
        for (int step = 1; step <= 4; step++) {
            for (int p = 0; p < policies; p++) {
                String id = "policy-" + p;
                String base = step == 1 ? "" : "r" + (step - 1);
                var update = events.update(id, base, "r" + step, step);
                var export = events.export(id, "r" + step, step);
                var eval = events.eval(id, "r" + step, step == 3 ? 0.3 : 0.5 + 0.1 * step);
                steps.add(d -> d.updates.pipeInput(id, update));
                steps.add(d -> d.updates.pipeInput(id, update)); // redelivery
                steps.add(d -> d.exports.pipeInput(id, export));
                steps.add(d -> d.evals.pipeInput(id, eval));
            }
        }
        var serve = events.serve("policy-0", "r2");
        var rollback = events.rollback("policy-1", null);
        var badServe = events.serve("policy-2", "r3");
        steps.add(d -> d.serves.pipeInput("policy-0", serve));
        steps.add(d -> d.rollbacks.pipeInput("policy-1", rollback));
        steps.add(d -> d.serves.pipeInput("policy-2", badServe));
        steps.add(d -> d.pipeRaw(d.topics.evalResults(), "policy-2", "garbage".getBytes(StandardCharsets.UTF_8)));
        return steps;
    }

    private record Run(String digest, List<KeyValue<String, CatalogEntry>> catalog, List<Object> results,
                       List<Object> deadLetters, String catalogTopicDigest, String revisionTopicDigest,
                       String historyTopicDigest) {

        /** The digest of one store, by its place in {@link CatalogDriver#STORES}. */
        String store(String name) {
            return digest.split("/")[CatalogDriver.STORES.indexOf(name)];
        }
    }

    /** The latest value per key of a compacted topic's records, digested like a store. */
    private static <V extends org.apache.avro.specific.SpecificRecord> String compacted(List<KeyValue<String, V>> records) {
        Map<String, V> latest = new TreeMap<>();
        records.forEach(kv -> latest.put(kv.key, kv.value));
        return StoreDigest.of(latest.entrySet().stream().map(e -> KeyValue.pair(e.getKey(), e.getValue())).iterator(),
                StoreDigest::avroBytes);
    }

    private static Run run(Path stateDir, List<Consumer<CatalogDriver>> steps) {
        try (CatalogDriver driver = new CatalogDriver(stateDir)) {
            steps.forEach(step -> step.accept(driver));
            List<KeyValue<String, CatalogEntry>> published = driver.drainCatalog();
            // moves are keyed by policy on the topic; the store keys them by policy and sequence
            List<KeyValue<String, ai.mint.events.PointerMoved>> moves = driver.historyTopic.readKeyValuesToList().stream()
                    .map(kv -> KeyValue.pair(ai.mint.common.catalog.CatalogKeys.historyKey(kv.key,
                            kv.value.getSequence()), kv.value)).toList();
            List<Object> results = new ArrayList<>(driver.serveResults.readValuesToList());
            results.addAll(driver.rollbackResults.readValuesToList());
            return new Run(driver.storeDigest(), published, results,
                    new ArrayList<>(driver.deadLetters.readValuesToList()), compacted(published),
                    compacted(driver.revisionTopic.readKeyValuesToList()), compacted(moves));
        }
    }

    @Test
    void shouldRebuildIdenticalStateWhenReplayingSameInputIntoFreshApp() {
        List<Consumer<CatalogDriver>> steps = scenario(3);
        Run a = run(first, steps);
        Run b = run(second, steps);

        assertThat(b.digest()).isEqualTo(a.digest());
        assertThat(b.catalog()).isEqualTo(a.catalog());
        assertThat(b.results()).isEqualTo(a.results());
        assertThat(b.deadLetters()).isEqualTo(a.deadLetters());
        // the scenario exercised promotions, a rollback and refusals
        assertThat(a.results()).hasSizeGreaterThanOrEqualTo(6);
        assertThat(a.deadLetters()).hasSize(2);
    }

    @Test
    void shouldPublishTopicsThatReproduceEntriesRevisionsAndHistoryStores() {
        Run run = run(first, scenario(3));
        assertThat(run.catalogTopicDigest()).isEqualTo(run.store(CatalogStores.ENTRIES));
        assertThat(run.revisionTopicDigest()).isEqualTo(run.store(CatalogStores.REVISIONS));
        assertThat(run.historyTopicDigest()).isEqualTo(run.store(CatalogStores.HISTORY));
    }

    @Test
    void shouldChangeDigestWhenInputDiffers() {
        List<Consumer<CatalogDriver>> steps = scenario(3);
        Run full = run(first, steps);
        Run shorter = run(second, steps.subList(0, steps.size() - 4));
        assertThat(shorter.digest()).isNotEqualTo(full.digest());
    }
}
