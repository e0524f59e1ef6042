package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The catalog's lifecycle state machine through its whole topology, over random event sequences for two policies
 * (one gated on eval, one not): specs, updates on any base, exports and evals of any revision (known or not), serve and
 * rollback requests to any revision, redeliveries, garbage and records under another policy's key. Whatever the
 * order, the catalog never reaches an illegal state (the serving pointer always names a revision that is SERVING,
 * and no other revision is), and replaying the same sequence into a fresh app folds to the same store digest.
 */
class CatalogLifecyclePropertyTest {

    private static final List<String> POLICIES = List.of("policy-open", "policy-gated");

    /** One input event, by kind; indexes pick a policy and a revision name {@code r<N>}. */
    record Step(int kind, int policy, int revision, int other, double score) {
    }

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.frequency(Tuple.of(2, 0), Tuple.of(6, 1), Tuple.of(6, 2), Tuple.of(6, 3), Tuple.of(4, 4),
                        Tuple.of(3, 5), Tuple.of(2, 6), Tuple.of(1, 7), Tuple.of(1, 8)),
                Arbitraries.integers().between(0, 1), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(0, 6), Arbitraries.doubles().between(0, 1))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 60)
    void shouldNeverReachAnIllegalStateAndReplayToTheSameDigest(@ForAll("sequences") List<Step> sequence) {
        List<Consumer<CatalogDriver>> inputs = inputs(sequence);

        String digest = run(inputs, CatalogLifecyclePropertyTest::checkInvariants);
        String replayed = run(inputs, driver -> { });

        assertThat(replayed).isEqualTo(digest);
    }

    /** The same events for every run: built once, with their ids and times fixed. */
    private static List<Consumer<CatalogDriver>> inputs(List<Step> sequence) {
        Events events = new Events();
        List<Consumer<CatalogDriver>> inputs = new ArrayList<>();
        for (int i = 0; i < POLICIES.size(); i++) { // both policies exist from the start most of the time
            String p = POLICIES.get(i);
            var spec = events.spec(p, i == 1 ? Events.gate(0.5, 0.01) : null);
            inputs.add(d -> d.specs.pipeInput(p, spec));
        }
        for (Step s : sequence) {
            String p = POLICIES.get(s.policy());
            String rev = "r" + s.revision();
            String base = s.other() == 0 ? "" : "r" + s.other();
            Consumer<CatalogDriver> input = switch (s.kind()) {
                case 0 -> {
                    var spec = events.spec(p, s.policy() == 1 ? Events.gate(s.score(), 0.01) : null);
                    yield d -> d.specs.pipeInput(p, spec);
                }
                case 1 -> {
                    var update = events.update(p, base, rev, s.revision());
                    yield d -> d.updates.pipeInput(p, update);
                }
                case 2 -> {
                    var export = events.export(p, rev, s.revision());
                    yield d -> d.exports.pipeInput(p, export);
                }
                case 3 -> {
                    var eval = events.eval(p, rev, s.score());
                    yield d -> d.evals.pipeInput(p, eval);
                }
                case 4 -> {
                    var serve = events.serve(p, rev);
                    yield d -> d.serves.pipeInput(p, serve);
                }
                case 5 -> {
                    var rollback = events.rollback(p, s.other() == 0 ? null : base);
                    yield d -> d.rollbacks.pipeInput(p, rollback);
                }
                case 6 -> inputs.isEmpty() ? d -> { } : inputs.get(inputs.size() - 1); // a redelivery
                case 7 -> {
                    var export = events.export(p, rev, s.revision());
                    String wrongKey = POLICIES.get(1 - s.policy());
                    yield d -> d.exports.pipeInput(wrongKey, export);
                }
                default -> d -> d.pipeRaw(d.topics.evalResults(), p, ("garbage " + s.other())
                        .getBytes(StandardCharsets.UTF_8));
            };
            inputs.add(input);
        }
        return inputs;
    }

    private static String run(List<Consumer<CatalogDriver>> inputs, Consumer<CatalogDriver> afterEach) {
        Path dir;
        try {
            dir = Files.createTempDirectory("catalog-property");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (CatalogDriver driver = new CatalogDriver(dir)) {
            for (Consumer<CatalogDriver> input : inputs) {
                input.accept(driver);
                afterEach.accept(driver);
            }
            return driver.storeDigest();
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void checkInvariants(CatalogDriver driver) {
        Map<String, List<RevisionInfo>> stored = new TreeMap<>();
        try (var it = driver.revisions().all()) {
            it.forEachRemaining(kv -> {
                CatalogRevision r = kv.value;
                stored.computeIfAbsent(r.getPolicyId(), k -> new ArrayList<>()).add(r.getRevision());
            });
        }
        for (String policy : POLICIES) {
            CatalogEntry entry = driver.entry(policy);
            if (entry == null) {
                continue;
            }
            // the entry's copy of a revision it carries is the newest; the store holds every revision
            Map<String, RevisionInfo> all = new TreeMap<>();
            stored.getOrDefault(policy, List.of()).forEach(r -> all.put(r.getRevision(), r));
            entry.getRevisions().forEach(r -> all.put(r.getRevision(), r));
            List<String> serving = all.values().stream().filter(r -> r.getState() == RevisionState.SERVING)
                    .map(RevisionInfo::getRevision).distinct().toList();
            String pointer = entry.getServingRevision();
            if (pointer == null) {
                assertThat(serving).as("%s serves nothing, yet revisions are SERVING", policy).isEmpty();
            } else {
                assertThat(serving).as("%s points at %s", policy, pointer).containsExactly(pointer);
            }
            assertThat(entry.getRevisions()).extracting(RevisionInfo::getRevision).doesNotHaveDuplicates();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
