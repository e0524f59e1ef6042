package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.catalog.internal.LifecycleRules;
import ai.mint.catalog.internal.Outcome;
import ai.mint.catalog.internal.RetentionRules;
import ai.mint.catalog.internal.RevisionSource;
import ai.mint.common.catalog.RemovalPlan;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionRetired;
import ai.mint.events.RevisionState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.specific.SpecificRecord;

/**
 * Retention over random histories, through the pure lifecycle rules: revisions trained, exported with or without a
 * time to live, evaluated, promoted, rolled back to, and time passing. Whatever the history, the files a collector
 * removes are those of retired revisions only, never the serving revision's nor a rollback target's, and every
 * revision that is neither protected nor among the newest kept is retired.
 */
class RetentionPropertyTest {

    private static final String P = "policy-p";
    private static final Duration GRACE = Duration.ofHours(1);

    /** One thing that happens to the policy. */
    sealed interface Step {
    }

    /** A new revision on top of the newest, exported (with a time to live in minutes when ttl > 0). */
    record Train(int ttlMinutes) implements Step {
    }

    /** The newest exported revision is evaluated. */
    record Evaluate(boolean pass) implements Step {
    }

    /** A request to serve the revision at this position among all revisions. */
    record Serve(int pick) implements Step {
    }

    /** A rollback to the revision at this position, or (pick < 0) to the newest good one before serving. */
    record Rollback(int pick) implements Step {
    }

    /** Time passes; checkpoints whose time to live ended are expired. */
    record Wait(int minutes) implements Step {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 30).map(t -> (Step) new Train(t % 3 == 0 ? t : 0))),
                net.jqwik.api.Tuple.of(4, Arbitraries.of(true, false).map(p -> (Step) new Evaluate(p))),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 40).map(i -> (Step) new Serve(i))),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(-10, 40).map(i -> (Step) new Rollback(i))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 45).map(m -> (Step) new Wait(m))));
        return step.list().ofMinSize(5).ofMaxSize(80);
    }

    @Provide
    Arbitrary<Integer> keepLast() {
        return Arbitraries.integers().between(1, 5);
    }

    @Property(tries = 300)
    void collectorRemovesFilesOfRetiredRevisionsOnlyNeverServingOrRollbackTargets(
            @ForAll("histories") List<Step> history, @ForAll("keepLast") int keepLast) {
        Folded folded = new Folded(new RetentionSettings(keepLast, GRACE, Duration.ofMinutes(1)));
        history.forEach(folded::apply);

        String serving = folded.entry.getServingRevision();
        Set<String> removed = new HashSet<>();
        RemovalPlan.due(folded.notices, folded.now.plus(GRACE)).forEach(r -> removed.add(r.uri()));
        List<String> newest = folded.created.subList(Math.max(0, folded.created.size() - keepLast),
                folded.created.size());
        for (RevisionInfo r : folded.store.values()) {
            boolean retired = RetentionRules.isRetired(r);
            boolean isProtected = RetentionRules.isProtected(r, serving);
            assertThat(removed.contains(r.getAdapterUri())).as("adapter of %s removed iff retired", r.getRevision())
                    .isEqualTo(retired);
            if (r.getRevision().equals(serving) || RetentionRules.isRollbackTarget(r) || r.getServed()) {
                assertThat(retired).as("%s serves or is a rollback target", r.getRevision()).isFalse();
            }
            if (!isProtected && !newest.contains(r.getRevision())) {
                assertThat(retired).as("%s is neither protected nor among the newest %d", r.getRevision(), keepLast)
                        .isTrue();
            }
        }
        // the entry carries the newest revisions and the serving one, and nothing else
        Set<String> inEntry = new HashSet<>();
        folded.entry.getRevisions().forEach(r -> inEntry.add(r.getRevision()));
        Set<String> expected = new HashSet<>(newest);
        if (serving != null) {
            expected.add(serving);
        }
        assertThat(inEntry).isEqualTo(expected);
    }

    @Property(tries = 200)
    void noRetirementNoticeEverNamesARevisionThatServesOrIsARollbackTarget(
            @ForAll("histories") List<Step> history, @ForAll("keepLast") int keepLast) {
        Folded folded = new Folded(new RetentionSettings(keepLast, GRACE, Duration.ofMinutes(1)));
        folded.afterEachChange = (change, entry) -> {
            for (RevisionRetired notice : change.retirements()) {
                RevisionInfo now = folded.store.get(notice.getRevision());
                assertThat(notice.getRevision()).isNotEqualTo(entry.getServingRevision());
                assertThat(now.getServed()).isFalse();
                assertThat(now.getState()).isEqualTo(RevisionState.RETIRED);
                assertThat(notice.getRemoveAfter()).isEqualTo(Instant.ofEpochMilli(now.getRetiredAt()).plus(GRACE));
            }
        };
        history.forEach(folded::apply);
    }

    /** The policy folded by the rules, with an in-memory revision store standing in for the catalog's. */
    private static final class Folded {
        final LifecycleRules rules;
        final Map<String, RevisionInfo> store = new LinkedHashMap<>();
        final List<String> created = new ArrayList<>();
        final List<RevisionRetired> notices = new ArrayList<>();
        final FixtureEvents events = new FixtureEvents();
        CatalogEntry entry;
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        java.util.function.BiConsumer<Outcome.Change, CatalogEntry> afterEachChange = (c, e) -> { };
        private final RevisionSource source = new RevisionSource() {
            @Override
            public Optional<RevisionInfo> find(String policyId, String revision) {
                return Optional.ofNullable(store.get(revision));
            }

            @Override
            public void forEach(String policyId, Consumer<RevisionInfo> action) {
                List.copyOf(store.values()).forEach(action);
            }
        };

        Folded(RetentionSettings retention) {
            rules = new LifecycleRules("catalog", retention);
            fold(events.spec(P, Events.gate(0.5, 0.0)));
        }

        void apply(Step step) {
            if (step instanceof Train t) {
                train(t.ttlMinutes());
            } else if (step instanceof Evaluate e) {
                newestExported().ifPresent(r -> fold(events.eval(P, r, e.pass() ? 0.9 : 0.1)));
            } else if (step instanceof Serve s) {
                pick(s.pick()).ifPresent(r -> fold(events.serve(P, r)));
            } else if (step instanceof Rollback r) {
                fold(events.rollback(P, r.pick() < 0 ? null : pick(r.pick()).orElse("none")));
            } else if (step instanceof Wait w) {
                pass(Duration.ofMinutes(w.minutes()));
            }
        }

        private void train(int ttlMinutes) {
            int step = created.size() + 1;
            String revision = "r" + step;
            fold(events.update(P, created.isEmpty() ? "" : created.get(created.size() - 1), revision, step));
            if (store.containsKey(revision)) {
                created.add(revision);
                var export = ttlMinutes > 0 ? events.export(P, revision, step, Duration.ofMinutes(ttlMinutes).toMillis())
                        : events.export(P, revision, step);
                fold(export);
            }
        }

        private Optional<String> newestExported() {
            return created.isEmpty() ? Optional.empty() : Optional.of(created.get(created.size() - 1))
                    .filter(r -> store.get(r).getState() == RevisionState.EXPORTED);
        }

        private Optional<String> pick(int index) {
            return created.isEmpty() ? Optional.empty() : Optional.of(created.get(index % created.size()));
        }

        private void pass(Duration time) {
            now = now.plus(time);
            events.advanceTo(now);
            for (RevisionInfo r : List.copyOf(store.values())) {
                if (r.getExpiresAt() != null && r.getExpiresAt() <= now.toEpochMilli()) {
                    record(rules.expire(entry, r.getRevision(), now, source));
                }
            }
        }

        private void fold(SpecificRecord event) {
            now = events.lastTime();
            record(rules.apply(entry, event, source));
        }

        private void record(Outcome outcome) {
            outcome.change().ifPresent(change -> {
                entry = change.entry();
                for (CatalogRevision r : change.revisions()) {
                    store.put(r.getRevision().getRevision(), r.getRevision());
                }
                notices.addAll(change.retirements());
                afterEachChange.accept(change, entry);
            });
        }
    }

    /** {@link Events} with a clock the test can move forward, and the time of the last event. */
    private static final class FixtureEvents {
        private final Events events = new Events();
        private Instant last = Instant.parse("2026-01-01T00:00:00Z");
        private long skipped;

        SpecificRecord spec(String p, ai.mint.events.PromotionGate gate) {
            return stamp(events.spec(p, gate));
        }

        SpecificRecord update(String p, String base, String revision, int step) {
            return stamp(events.update(p, base, revision, step));
        }

        SpecificRecord export(String p, String revision, int step) {
            return stamp(events.export(p, revision, step));
        }

        SpecificRecord export(String p, String revision, int step, long ttlMs) {
            return stamp(events.export(p, revision, step, ttlMs));
        }

        SpecificRecord eval(String p, String revision, double score) {
            return stamp(events.eval(p, revision, score));
        }

        SpecificRecord serve(String p, String revision) {
            return stamp(events.serve(p, revision));
        }

        SpecificRecord rollback(String p, String target) {
            return stamp(events.rollback(p, target));
        }

        /** Later events carry times after {@code time}. */
        void advanceTo(Instant time) {
            skipped = Math.max(skipped, time.toEpochMilli() - events.peekNextTime().toEpochMilli() + 1000);
        }

        Instant lastTime() {
            return last;
        }

        private SpecificRecord stamp(SpecificRecord event) {
            Instant time = ((Instant) event.get(event.getSchema().getField("time").pos())).plusMillis(skipped);
            event.put(event.getSchema().getField("time").pos(), time);
            last = time;
            return event;
        }
    }
}
