package ai.mint.scheduling.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The placement rules over random arrivals and worker states: budgets never exceeded, warm workers preferred, a cold
 * adapter's pack preceded by its load, a dead worker's packs moved, and no request lost or placed twice. Each rule is
 * checked by recomputing it from the decision's output, not by trusting the planner's own bookkeeping.
 */
class PackPlannerProperties {

    static final long NOW = 10_000_000;
    static final long TIMEOUT = 3_000;

    /** One random situation the planner decides over. */
    record Scenario(List<WorkerView> workers, List<InFlightPack> inFlight, List<PendingRequest> pending,
                    Budgets budgets) {
    }

    @Property(tries = 1000)
    void budgetsAreNeverExceeded(@ForAll("scenarios") Scenario s) {
        Decision d = decide(s);
        Map<String, WorkerView> live = live(s);
        for (WorkerView w : live.values()) {
            List<InFlightPack> kept = kept(s, d, w.workerId());
            int keptRequests = kept.stream().mapToInt(p -> p.requests().size()).sum();
            Map<AdapterKey, Long> held = new HashMap<>();
            kept.forEach(p -> held.putIfAbsent(p.adapter(), p.bytes()));
            long heldBytes = held.values().stream().mapToLong(Long::longValue).sum();
            List<Decision.Pack> placed = d.packs().stream().filter(p -> p.workerId().equals(w.workerId())).toList();
            int placedRequests = placed.stream().mapToInt(p -> p.requests().size()).sum();
            if (placedRequests > 0) {
                assertThat(keptRequests + placedRequests).as("requests in flight on %s", w.workerId())
                        .isLessThanOrEqualTo(s.budgets().requestShare(w.queueCapacity()));
            }
            long newBytes = placed.stream().filter(p -> !held.containsKey(p.adapter()))
                    .map(p -> Map.entry(p.adapter(), p.bytes())).distinct().mapToLong(Map.Entry::getValue).sum();
            if (newBytes > 0) {
                assertThat(heldBytes + newBytes).as("adapter bytes pinned on %s", w.workerId())
                        .isLessThanOrEqualTo(s.budgets().byteShare(w.deviceBudgetBytes()));
            }
        }
        assertThat(d.packs()).allSatisfy(p -> assertThat(p.requests()).isNotEmpty()
                .hasSizeLessThanOrEqualTo(s.budgets().maxPackRequests()));
    }

    @Property(tries = 1000)
    void aColdPackGoesWhereNoWarmWorkerHadRoom(@ForAll("scenarios") Scenario s) {
        Decision d = decide(s);
        Map<String, WorkerView> live = live(s);
        List<Decision.Work> work = d.work();
        for (int i = 0; i < work.size(); i++) {
            if (!(work.get(i) instanceof Decision.Pack pack) || !pack.cold()) {
                continue;
            }
            for (WorkerView v : live.values()) {
                boolean warm = pack.adapter().runsOn(v.baseModel()) && (onDevice(v, pack.adapter())
                        || kept(s, d, v.workerId()).stream().anyMatch(p -> p.adapter().equals(pack.adapter()))
                        || work.subList(0, i).stream().anyMatch(x -> x instanceof Decision.Pack p
                        && p.workerId().equals(v.workerId()) && p.adapter().equals(pack.adapter())));
                if (warm) {
                    boolean full = usedBefore(s, d, v, i) >= s.budgets().requestShare(v.queueCapacity());
                    Map<AdapterKey, Long> held = heldBefore(s, d, v, i);
                    boolean noRoom = !held.containsKey(pack.adapter()) && held.values().stream()
                            .mapToLong(Long::longValue).sum() + pack.bytes() > s.budgets().byteShare(v.deviceBudgetBytes());
                    assertThat(full || noRoom).as("%s held %s and had room when it went cold to %s",
                            v.workerId(), pack.adapter(), pack.workerId()).isTrue();
                }
            }
            assertThat(onDevice(live.get(pack.workerId()), pack.adapter())).isFalse();
        }
    }

    @Property(tries = 1000)
    void aColdPackIsPrecededByTheLoadOfItsAdapter(@ForAll("scenarios") Scenario s) {
        Decision d = decide(s);
        List<Decision.Work> work = d.work();
        for (int i = 0; i < work.size(); i++) {
            Decision.Work w = work.get(i);
            if (w instanceof Decision.Pack p && p.cold() && s.budgets().prefetch()) {
                assertThat(i).as("a cold pack is not first").isPositive();
                assertThat(work.get(i - 1)).isInstanceOfSatisfying(Decision.Load.class, l -> {
                    assertThat(l.workerId()).isEqualTo(p.workerId());
                    assertThat(l.instance()).isEqualTo(p.instance());
                    assertThat(l.adapter()).isEqualTo(p.adapter());
                });
            }
            if (w instanceof Decision.Load l) {
                assertThat(s.budgets().prefetch()).isTrue();
                assertThat(work.get(i + 1)).isInstanceOfSatisfying(Decision.Pack.class,
                        p -> assertThat(p.cold()).isTrue());
            }
        }
    }

    @Property(tries = 1000)
    void theUnansweredPacksOfAGoneWorkerMoveAndNothingGoesToIt(@ForAll("scenarios") Scenario s) {
        Decision d = decide(s);
        Map<String, WorkerView> live = live(s);
        Map<String, WorkerView> all = new HashMap<>();
        s.workers().forEach(w -> all.put(w.workerId(), w));
        Set<String> reassigned = new HashSet<>();
        d.reassigned().forEach(r -> reassigned.add(r.pack().packId()));
        for (InFlightPack p : s.inFlight()) {
            WorkerView w = all.get(p.workerId());
            boolean gone = w == null || !w.instance().equals(p.instance())
                    || w.leaving() && NOW - w.heartbeatAtMs() > 1_000 || NOW - w.heartbeatAtMs() > TIMEOUT;
            if (gone) {
                assertThat(reassigned).as("pack %s of gone worker %s", p.packId(), p.workerId()).contains(p.packId());
            }
        }
        for (Decision.Work w : d.work()) {
            assertThat(live).as("work goes to live workers").containsKey(w.workerId());
            assertThat(w.instance()).isEqualTo(live.get(w.workerId()).instance());
            assertThat(w.adapter().runsOn(live.get(w.workerId()).baseModel())).as("base of %s", w.workerId()).isTrue();
        }
    }

    @Property(tries = 1000)
    void everyRequestIsPlacedWaitsOrIsGivenUpExactlyOnce(@ForAll("scenarios") Scenario s) {
        Decision d = decide(s);
        List<String> in = new ArrayList<>();
        s.pending().forEach(q -> in.add(q.requestId()));
        d.reassigned().forEach(r -> r.pack().requests().forEach(q -> in.add(q.requestId())));
        List<String> out = new ArrayList<>();
        d.packs().forEach(p -> p.requests().forEach(q -> out.add(q.requestId())));
        d.expired().forEach(e -> out.add(e.request().requestId()));
        d.pending().forEach(q -> out.add(q.requestId()));
        assertThat(out).containsExactlyInAnyOrderElementsOf(in);
        assertThat(d.packs()).allSatisfy(p -> assertThat(p.requests())
                .allMatch(q -> q.adapter().equals(p.adapter()), "one adapter revision per pack"));
    }

    private static Decision decide(Scenario s) {
        return PackPlanner.decide(NOW, s.workers(), s.inFlight(), s.pending(), s.budgets());
    }

    private static Map<String, WorkerView> live(Scenario s) {
        Map<String, WorkerView> live = new HashMap<>();
        s.workers().stream().filter(w -> w.live(NOW, TIMEOUT)).forEach(w -> live.put(w.workerId(), w));
        return live;
    }

    private static List<InFlightPack> kept(Scenario s, Decision d, String workerId) {
        Set<String> moved = new HashSet<>();
        d.reassigned().forEach(r -> moved.add(r.pack().packId()));
        return s.inFlight().stream().filter(p -> p.workerId().equals(workerId) && !moved.contains(p.packId()))
                .toList();
    }

    private static int usedBefore(Scenario s, Decision d, WorkerView v, int index) {
        int kept = kept(s, d, v.workerId()).stream().mapToInt(p -> p.requests().size()).sum();
        return kept + d.work().subList(0, index).stream()
                .filter(w -> w instanceof Decision.Pack p && p.workerId().equals(v.workerId()))
                .mapToInt(w -> ((Decision.Pack) w).requests().size()).sum();
    }

    /** The adapters (and their bytes) in flight on {@code v} before work item {@code index}. */
    private static Map<AdapterKey, Long> heldBefore(Scenario s, Decision d, WorkerView v, int index) {
        Map<AdapterKey, Long> held = new HashMap<>();
        kept(s, d, v.workerId()).forEach(p -> held.putIfAbsent(p.adapter(), p.bytes()));
        d.work().subList(0, index).stream()
                .filter(w -> w instanceof Decision.Pack p && p.workerId().equals(v.workerId()))
                .forEach(w -> held.putIfAbsent(w.adapter(), ((Decision.Pack) w).bytes()));
        return held;
    }

    private static boolean onDevice(WorkerView w, AdapterKey adapter) {
        WorkerView.Residency r = w.resident().get(adapter.id());
        return r != null && r.tier() == WorkerView.Tier.DEVICE;
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Integer> workerCount = Arbitraries.integers().between(0, 5);
        return workerCount.flatMap(n -> Combinators.combine(workers(n), budgets(),
                Arbitraries.integers().between(0, 30), Arbitraries.longs()).as((ws, b, pendingCount, seed) ->
                scenario(ws, b, pendingCount, seed)));
    }

    private static Arbitrary<List<WorkerView>> workers(int n) {
        Arbitrary<WorkerView> one = Combinators.combine(
                Arbitraries.integers().between(0, 12),                 // queue capacity (0: takes no packs)
                Arbitraries.longs().between(0, 2_000),                 // device budget
                Arbitraries.longs().between(0, TIMEOUT * 4 / 3),       // heartbeat age: most alive, some silent
                Arbitraries.of(true, false, false, false, false, false, false, false), // leaving
                Arbitraries.subsetOf(adapters()).ofMaxSize(4),         // device-resident adapters
                Arbitraries.subsetOf(adapters()).ofMaxSize(3))         // CPU-resident adapters
                .as((capacity, budget, age, leaving, device, cpu) -> {
                    Map<String, WorkerView.Residency> resident = new HashMap<>();
                    cpu.forEach(a -> resident.put(a.id(), new WorkerView.Residency(WorkerView.Tier.CPU, 100)));
                    device.forEach(a -> resident.put(a.id(), new WorkerView.Residency(WorkerView.Tier.DEVICE, 100)));
                    return new WorkerView("w", "run", NOW - age, leaving, capacity, budget, resident, "micro");
                });
        return one.list().ofSize(n).map(list -> {
            List<WorkerView> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                WorkerView w = list.get(i);
                // one worker in four keeps another base: its adapters' requests must never go there
                named.add(new WorkerView("w" + i, "run-" + i, w.heartbeatAtMs(), w.leaving(), w.queueCapacity(),
                        w.deviceBudgetBytes(), w.resident(), i % 4 == 3 ? "other" : "micro"));
            }
            return named;
        });
    }

    private static Arbitrary<Budgets> budgets() {
        return Combinators.combine(Arbitraries.integers().between(1, 5), Arbitraries.of(1.0, 0.5, 1.0 / 3),
                Arbitraries.of(true, false), Arbitraries.integers().between(1, 3))
                .as((maxPack, share, prefetch, maxSends) -> new Budgets(maxPack, share, TIMEOUT, 1_000, 60_000, 20_000,
                        maxSends, prefetch, 0, 0));
    }

    private static List<AdapterKey> adapters() {
        return Stream.of("a", "b", "c", "d", "e").map(p -> AdapterKey.of(p, "r1", "micro")).toList();
    }

    private static long bytesOf(AdapterKey a) {
        return 100L * (1 + a.policyId().charAt(0) - 'a'); // 100..500: a few fit a budget, not all
    }

    /** Pending requests and in-flight packs drawn from one seed, so that request ids are unique across both. */
    private static Scenario scenario(List<WorkerView> workers, Budgets budgets, int pendingCount, long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<AdapterKey> pool = new ArrayList<>(adapters());
        pool.add(AdapterKey.of("unresolved", null));
        int next = 0;
        List<PendingRequest> pending = new ArrayList<>();
        for (int i = 0; i < pendingCount; i++) {
            AdapterKey a = pool.get(random.nextInt(pool.size()));
            pending.add(new PendingRequest("q" + next++, a, a.resolved() ? bytesOf(a) : 0,
                    NOW - random.nextInt(30_000), 0));
        }
        List<InFlightPack> inFlight = new ArrayList<>();
        int packs = workers.isEmpty() ? random.nextInt(2) : random.nextInt(6);
        for (int i = 0; i < packs; i++) {
            AdapterKey a = pool.get(random.nextInt(pool.size() - 1));
            String worker = workers.isEmpty() || random.nextInt(5) == 0 ? "gone"
                    : workers.get(random.nextInt(workers.size())).workerId();
            String instance = random.nextInt(6) == 0 ? "stale" : "run-" + worker.substring(1);
            List<PendingRequest> requests = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int j = 0; j < n; j++) {
                requests.add(new PendingRequest("q" + next++, a, bytesOf(a), NOW - 40_000 + random.nextInt(10_000),
                        1 + random.nextInt(3)));
            }
            inFlight.add(new InFlightPack("pack" + i, worker, instance, a, bytesOf(a), requests,
                    NOW - random.nextInt(5_000)));
        }
        return new Scenario(workers, inFlight, pending, budgets);
    }
}
