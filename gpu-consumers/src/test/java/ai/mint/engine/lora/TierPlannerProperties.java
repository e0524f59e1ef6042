package ai.mint.engine.lora;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The working set's decisions over random states: budgets hold, nothing in use or pinned is evicted, LRU first. */
class TierPlannerProperties {

    @Provide
    Arbitrary<List<TierPlanner.DeviceCopy>> residents() {
        Arbitrary<TierPlanner.DeviceCopy> copy = Combinators.combine(Arbitraries.longs().between(1, 200),
                Arbitraries.of(true, false), Arbitraries.of(true, false, false, false), Arbitraries.of(true, false))
                .as((bytes, inUse, pinned, demanded) -> new TierPlanner.DeviceCopy("", bytes, inUse, pinned,
                        demanded));
        return copy.list().ofMaxSize(12).map(list -> {
            List<TierPlanner.DeviceCopy> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) { // distinct ids, least recently used first
                TierPlanner.DeviceCopy c = list.get(i);
                named.add(new TierPlanner.DeviceCopy("a" + i, c.bytes(), c.inUse(), c.pinned(), c.demanded()));
            }
            return named;
        });
    }

    @Property
    void aPlacementNeverExceedsTheBudgetAndEvictsOnlyIdleUnpinnedUnwantedCopiesLeastRecentFirst(
            @ForAll("residents") List<TierPlanner.DeviceCopy> resident,
            @ForAll @LongRange(min = 0, max = 300) long draining,
            @ForAll @LongRange(min = 1, max = 1500) long budget,
            @ForAll @LongRange(min = 1, max = 400) long need) {
        long used = resident.stream().mapToLong(TierPlanner.DeviceCopy::bytes).sum() + draining;
        Assume.that(used <= budget); // what the working set guarantees before every decision
        long pinned = resident.stream().filter(TierPlanner.DeviceCopy::pinned)
                .mapToLong(TierPlanner.DeviceCopy::bytes).sum();
        TierPlanner.DevicePlan plan = TierPlanner.placeOnDevice(resident, pinned, used, budget, need);
        Map<String, TierPlanner.DeviceCopy> byId = resident.stream()
                .collect(Collectors.toMap(TierPlanner.DeviceCopy::id, Function.identity()));
        long evictable = resident.stream().filter(TierPlanner.DeviceCopy::evictable)
                .mapToLong(TierPlanner.DeviceCopy::bytes).sum();

        assertThat(plan.verdict() == TierPlanner.Verdict.NEVER).isEqualTo(need > budget - pinned);
        switch (plan.verdict()) {
            case NEVER -> assertThat(plan.evict()).isEmpty();
            case WAIT -> {
                assertThat(plan.evict()).isEmpty();
                assertThat(used - evictable + need).as("even evicting all idle copies would not fit")
                        .isGreaterThan(budget);
            }
            case FITS -> {
                long freed = plan.evict().stream().mapToLong(id -> byId.get(id).bytes()).sum();
                assertThat(used - freed + need).isLessThanOrEqualTo(budget);
                assertThat(plan.evict()).allSatisfy(id -> assertThat(byId.get(id).evictable()).isTrue());
                List<String> lruOrder = resident.stream().filter(TierPlanner.DeviceCopy::evictable)
                        .map(TierPlanner.DeviceCopy::id).toList();
                assertThat(plan.evict()).as("a prefix of the idle copies in LRU order")
                        .isEqualTo(lruOrder.subList(0, plan.evict().size()));
                if (!plan.evict().isEmpty()) {
                    long lastBytes = byId.get(plan.evict().get(plan.evict().size() - 1)).bytes();
                    assertThat(used - (freed - lastBytes) + need).as("no more than needed").isGreaterThan(budget);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<TierPlanner.CpuCopy>> cpuCopies() {
        return Combinators.combine(Arbitraries.longs().between(1, 100), Arbitraries.of(true, false))
                .as((bytes, wanted) -> new TierPlanner.CpuCopy("", bytes, wanted)).list().ofMaxSize(15)
                .map(list -> {
                    List<TierPlanner.CpuCopy> named = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                        named.add(new TierPlanner.CpuCopy("c" + i, list.get(i).bytes(), list.get(i).wanted()));
                    }
                    return named;
                });
    }

    @Property
    void trimmingTheCpuTierFitsItsBudgetAndDropsWantedCopiesOnlyWhenUnwantedOnesAreNotEnough(
            @ForAll("cpuCopies") List<TierPlanner.CpuCopy> copies, @ForAll @LongRange(min = 0, max = 800) long budget) {
        long used = copies.stream().mapToLong(TierPlanner.CpuCopy::bytes).sum();
        List<String> drop = TierPlanner.trimCpu(copies, used, budget);
        long dropped = copies.stream().filter(c -> drop.contains(c.id())).mapToLong(TierPlanner.CpuCopy::bytes).sum();
        assertThat(used - dropped).isLessThanOrEqualTo(budget);
        boolean droppedWanted = copies.stream().anyMatch(c -> c.wanted() && drop.contains(c.id()));
        boolean keptUnwanted = copies.stream().anyMatch(c -> !c.wanted() && !drop.contains(c.id()));
        assertThat(droppedWanted && keptUnwanted).as("a wanted copy went while an unwanted one stayed").isFalse();
        if (used <= budget) {
            assertThat(drop).isEmpty();
        }
    }
}
