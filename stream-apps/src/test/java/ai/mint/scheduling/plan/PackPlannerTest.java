package ai.mint.scheduling.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackPlannerTest {

    static final long NOW = 1_000_000;
    static final Budgets ONE_TASK = new Budgets(4, 1.0, 3_000, 1_000, 60_000, 30_000, 3, true, 0, 0);
    static final AdapterKey A = AdapterKey.of("p", "r1");
    static final AdapterKey B = AdapterKey.of("q", "r1");

    static WorkerView worker(String id, int capacity, Map<String, WorkerView.Residency> resident) {
        return new WorkerView(id, id + "-run", NOW - 100, false, capacity, 1_000, resident, "micro");
    }

    static List<PendingRequest> requests(AdapterKey adapter, int n, long bytes) {
        List<PendingRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new PendingRequest(adapter.id() + "#" + i, adapter, bytes, NOW - 50 + i, 0));
        }
        return out;
    }

    static Map<String, WorkerView.Residency> onDevice(AdapterKey adapter) {
        return Map.of(adapter.id(), new WorkerView.Residency(WorkerView.Tier.DEVICE, 100));
    }

    @Test
    void shouldHoldAnAdaptersRequestsUntilTheFirstWasReadAPackWindowAgoThenSendThemAsOnePack() {
        Budgets gathering = new Budgets(4, 1.0, 3_000, 1_000, 60_000, 30_000, 3, true, 10, 10);
        List<WorkerView> workers = List.of(worker("w1", 8, onDevice(A)));
        // published 30 ms ago and read late (the scheduler was committing): the window counts from the reading
        List<PendingRequest> sentTogether = List.of(new PendingRequest("a#0", A, 100, NOW - 30, 0, NOW - 9),
                new PendingRequest("a#1", A, 100, NOW - 29, 0, NOW - 4), new PendingRequest("a#2", A, 100, NOW - 28, 0,
                        NOW));

        Decision early = PackPlanner.decide(NOW, workers, List.of(), sentTogether, gathering);
        Decision due = PackPlanner.decide(NOW + 1, workers, List.of(), sentTogether, gathering);

        assertThat(early.work()).isEmpty();
        assertThat(early.pending()).hasSize(3);
        assertThat(early.expired()).isEmpty();
        assertThat(due.packs()).singleElement().satisfies(p -> assertThat(p.requests()).hasSize(3));
        assertThat(due.pending()).isEmpty();
    }

    @Test
    void shouldSendAGroupBeforeItsWindowIsOverOnceNoRequestOfItsAdapterCameForTheQuietTime() {
        Budgets quietAfter2 = new Budgets(8, 1.0, 3_000, 1_000, 60_000, 30_000, 3, true, 10, 2);
        List<WorkerView> workers = List.of(worker("w1", 16, onDevice(A)));
        List<PendingRequest> burst = List.of(new PendingRequest("a#0", A, 100, NOW - 4, 0, NOW - 4),
                new PendingRequest("a#1", A, 100, NOW - 3, 0, NOW - 3),
                new PendingRequest("b#0", B, 100, NOW - 4, 0, NOW - 4),
                new PendingRequest("b#1", B, 100, NOW - 1, 0, NOW - 1)); // b's burst goes on

        Decision stillComing = PackPlanner.decide(NOW - 2, workers, List.of(), burst.subList(0, 2), quietAfter2);
        Decision quiet = PackPlanner.decide(NOW, workers, List.of(), burst, quietAfter2);

        assertThat(stillComing.work()).isEmpty();
        assertThat(quiet.packs()).singleElement().satisfies(p -> {
            assertThat(p.adapter()).isEqualTo(A);
            assertThat(p.requests()).extracting(PendingRequest::requestId).containsExactly("a#0", "a#1");
        });
        assertThat(quiet.pending()).extracting(PendingRequest::requestId).containsExactlyInAnyOrder("b#0", "b#1");
    }

    @Test
    void shouldNotHoldRequestsThatFillAPackNorOnesOfAnotherAdapterThatHaveWaitedLongEnough() {
        Budgets gathering = new Budgets(4, 1.0, 3_000, 1_000, 60_000, 30_000, 3, true, 10, 10);
        List<WorkerView> workers = List.of(worker("w1", 16, Map.of()));
        List<PendingRequest> pending = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pending.add(new PendingRequest("a#" + i, A, 100, NOW, 0)); // young, but a full pack
        }
        pending.add(new PendingRequest("b#old", B, 100, NOW - 10, 0));
        pending.add(new PendingRequest("c#young", AdapterKey.of("c", "r1"), 100, NOW - 2, 0));

        Decision d = PackPlanner.decide(NOW, workers, List.of(), pending, gathering);

        assertThat(d.packs()).extracting(p -> p.adapter().policyId()).containsExactlyInAnyOrder("p", "q");
        assertThat(d.pending()).extracting(PendingRequest::requestId).containsExactly("c#young");
    }

    @Test
    void shouldSendAWarmAdaptersRequestsToTheWorkerThatHoldsIt() {
        List<WorkerView> workers = List.of(worker("w1", 8, Map.of()), worker("w2", 8, onDevice(A)),
                worker("w3", 8, Map.of()));

        Decision d = PackPlanner.decide(NOW, workers, List.of(), requests(A, 3, 100), ONE_TASK);

        assertThat(d.work()).singleElement().isInstanceOfSatisfying(Decision.Pack.class, p -> {
            assertThat(p.workerId()).isEqualTo("w2");
            assertThat(p.cold()).isFalse();
            assertThat(p.requests()).hasSize(3);
        });
    }

    @Test
    void shouldPreferTheDeviceTierOverTheCpuTierAmongWarmWorkers() {
        List<WorkerView> workers = List.of(
                worker("w1", 8, Map.of(A.id(), new WorkerView.Residency(WorkerView.Tier.CPU, 100))),
                worker("w2", 8, onDevice(A)));

        Decision d = PackPlanner.decide(NOW, workers, List.of(), requests(A, 1, 100), ONE_TASK);

        assertThat(d.packs()).singleElement().extracting(Decision.Pack::workerId).isEqualTo("w2");
    }

    @Test
    void shouldScheduleALoadRightBeforeTheFirstPackOfAColdAdapter() {
        List<WorkerView> workers = List.of(worker("w1", 8, onDevice(B)), worker("w2", 8, Map.of()));

        Decision d = PackPlanner.decide(NOW, workers, List.of(), requests(A, 6, 100), ONE_TASK);

        // 6 requests, 4 per pack: the first pack goes cold with its load, the second follows the first (warm now)
        assertThat(d.work()).hasSize(3);
        assertThat(d.work().get(0)).isInstanceOfSatisfying(Decision.Load.class,
                l -> assertThat(l.adapter()).isEqualTo(A));
        assertThat(d.work().get(1)).isInstanceOfSatisfying(Decision.Pack.class, p -> {
            assertThat(p.cold()).isTrue();
            assertThat(p.workerId()).isEqualTo(d.work().get(0).workerId());
        });
        assertThat(d.work().get(2)).isInstanceOfSatisfying(Decision.Pack.class, p -> {
            assertThat(p.cold()).isFalse();
            assertThat(p.workerId()).isEqualTo(d.work().get(0).workerId());
        });
    }

    @Test
    void shouldLeaveTheLoadToTheWorkerWhenPrefetchIsOff() {
        Budgets onDemand = new Budgets(4, 1.0, 3_000, 1_000, 60_000, 30_000, 3, false, 0, 0);

        Decision d = PackPlanner.decide(NOW, List.of(worker("w1", 8, Map.of())), List.of(), requests(A, 1, 100),
                onDemand);

        assertThat(d.work()).singleElement().isInstanceOfSatisfying(Decision.Pack.class,
                p -> assertThat(p.cold()).isTrue());
    }

    @Test
    void shouldTakeBackTheUnansweredPacksOfAWorkerWhoseHeartbeatsStoppedAndSendThemToALiveOne() {
        WorkerView silent = new WorkerView("w1", "w1-run", NOW - 10_000, false, 8, 1_000, onDevice(A), "micro");
        InFlightPack lost = new InFlightPack("pack-1", "w1", "w1-run", A, 100, requests(A, 2, 100), NOW - 9_000);

        Decision d = PackPlanner.decide(NOW, List.of(silent, worker("w2", 8, Map.of())), List.of(lost), List.of(),
                ONE_TASK);

        assertThat(d.reassigned()).singleElement().satisfies(r -> {
            assertThat(r.pack().packId()).isEqualTo("pack-1");
            assertThat(r.reason()).contains("no heartbeat");
        });
        assertThat(d.packs()).singleElement().satisfies(p -> {
            assertThat(p.workerId()).isEqualTo("w2");
            assertThat(p.requests()).extracting(PendingRequest::requestId).containsExactly("p@r1#0", "p@r1#1");
        });
    }

    @Test
    void shouldTakeBackThePacksOfAnEarlierRunOfARestartedWorker() {
        InFlightPack old = new InFlightPack("pack-1", "w1", "old-run", A, 100, requests(A, 1, 100), NOW - 500);

        Decision d = PackPlanner.decide(NOW, List.of(worker("w1", 8, Map.of())), List.of(old), List.of(), ONE_TASK);

        assertThat(d.reassigned()).singleElement().extracting(Decision.Reassignment::reason)
                .asString().contains("restarted");
        assertThat(d.packs()).singleElement().extracting(Decision.Pack::instance).isEqualTo("w1-run");
    }

    @Test
    void shouldGiveUpOnARequestSentTooOftenToWorkersThatStopped() {
        List<PendingRequest> tried = List.of(new PendingRequest("poison", A, 100, NOW - 9_000, 3));
        InFlightPack lost = new InFlightPack("pack-3", "w1", "gone", A, 100, tried, NOW - 8_000);

        Decision d = PackPlanner.decide(NOW, List.of(worker("w2", 8, Map.of())), List.of(lost), List.of(), ONE_TASK);

        assertThat(d.packs()).isEmpty();
        assertThat(d.expired()).singleElement().satisfies(e -> {
            assertThat(e.request().requestId()).isEqualTo("poison");
            assertThat(e.reason()).contains("sent 3 times");
        });
    }

    @Test
    void shouldHoldBackWhatNoWorkerHasRoomForAndGiveUpAfterTheMaximumWait() {
        InFlightPack busy = new InFlightPack("pack-1", "w1", "w1-run", B, 100, requests(B, 2, 100), NOW - 10);
        List<PendingRequest> waiting = new ArrayList<>(requests(A, 1, 100));
        waiting.add(new PendingRequest("old", A, 100, NOW - 31_000, 0));

        Decision d = PackPlanner.decide(NOW, List.of(worker("w1", 2, Map.of())), List.of(busy), waiting, ONE_TASK);

        assertThat(d.work()).isEmpty();
        assertThat(d.pending()).extracting(PendingRequest::requestId).containsExactly("p@r1#0");
        assertThat(d.expired()).singleElement().satisfies(e -> {
            assertThat(e.request().requestId()).isEqualTo("old");
            assertThat(e.reason()).contains("were full");
        });
    }

    @Test
    void shouldNotPlaceAnAdapterOnAWorkerWhoseDeviceShareItWouldOverflow() {
        // w1's share holds B already (in flight); A does not fit beside it, w2 is empty
        InFlightPack busy = new InFlightPack("pack-1", "w1", "w1-run", B, 700, requests(B, 1, 700), NOW - 10);

        Decision d = PackPlanner.decide(NOW, List.of(worker("w1", 8, Map.of()), worker("w2", 1, Map.of())),
                List.of(busy), requests(A, 2, 400), ONE_TASK);

        assertThat(d.packs()).singleElement().satisfies(p -> {
            assertThat(p.workerId()).isEqualTo("w2");
            assertThat(p.requests()).hasSize(1); // w2 takes one at a time
        });
        assertThat(d.pending()).hasSize(1);
    }

    @Test
    void shouldSplitEachWorkersBudgetsBetweenTasks() {
        Budgets thirdShare = new Budgets(32, 1.0 / 3, 3_000, 1_000, 60_000, 30_000, 3, true, 0, 0);

        Decision d = PackPlanner.decide(NOW, List.of(worker("w1", 64, Map.of())), List.of(), requests(A, 40, 100),
                thirdShare);

        assertThat(d.packs()).singleElement().extracting(p -> p.requests().size()).isEqualTo(21); // floor(64 / 3)
        assertThat(d.pending()).hasSize(19);
    }

    @Test
    void shouldSendRequestsWhosePolicyIsNotResolvedYetWithoutALoad() {
        AdapterKey unknown = AdapterKey.of("new-policy", null);

        Decision d = PackPlanner.decide(NOW, List.of(worker("w1", 8, Map.of())), List.of(), requests(unknown, 2, 0),
                ONE_TASK);

        assertThat(d.work()).singleElement().isInstanceOfSatisfying(Decision.Pack.class,
                p -> assertThat(p.cold()).isFalse());
    }

    @Test
    void shouldTakeBackALeavingWorkersPacksOnlyAfterTheGraceForItsLastReports() {
        InFlightPack pack = new InFlightPack("pack-1", "w1", "w1-run", A, 100, requests(A, 1, 100), NOW - 900);
        WorkerView justLeft = new WorkerView("w1", "w1-run", NOW - 500, true, 8, 1_000, onDevice(A), "micro");
        WorkerView leftLongAgo = new WorkerView("w1", "w1-run", NOW - 1_500, true, 8, 1_000, onDevice(A), "micro");

        assertThat(PackPlanner.decide(NOW, List.of(justLeft), List.of(pack), List.of(), ONE_TASK).reassigned())
                .isEmpty();
        assertThat(PackPlanner.decide(NOW, List.of(leftLongAgo), List.of(pack), List.of(), ONE_TASK).reassigned())
                .singleElement().extracting(Decision.Reassignment::reason).asString().contains("stopped");
    }

    @Test
    void shouldSendAPolicysRequestsOnlyToWorkersOfItsBaseModel() {
        AdapterKey onSmall = AdapterKey.of("p", "r1", "small");
        WorkerView small = new WorkerView("w2", "w2-run", NOW - 100, false, 1, 1_000, Map.of(), "small");

        Decision d = PackPlanner.decide(NOW, List.of(worker("w1", 8, onDevice(A)), small), List.of(),
                requests(onSmall, 3, 100), ONE_TASK);

        assertThat(d.packs()).singleElement().satisfies(p -> {
            assertThat(p.workerId()).isEqualTo("w2");
            assertThat(p.requests()).hasSize(1);
        });
        assertThat(d.pending()).hasSize(2); // w1 has room, but keeps another base
    }

    @Test
    void shouldStopSendingToAWorkerThatSaysItIsLeaving() {
        WorkerView leaving = new WorkerView("w1", "w1-run", NOW - 10, true, 8, 1_000, onDevice(A), "micro");

        Decision d = PackPlanner.decide(NOW, List.of(leaving, worker("w2", 8, Map.of())), List.of(),
                requests(A, 1, 100), ONE_TASK);

        assertThat(d.packs()).singleElement().extracting(Decision.Pack::workerId).isEqualTo("w2");
    }
}
