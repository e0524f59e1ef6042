package ai.mint.engine.lora;

import ai.djl.ndarray.NDManager;
import ai.mint.engine.AdapterSource;
import ai.mint.engine.AdapterState;
import ai.mint.engine.AdapterStatus;
import ai.mint.engine.AdapterTier;
import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The working set's states, tiers, budgets, pins and failures on real adapter files and real device copies. */
class WorkingSetTest {

    private static final long BACKOFF_MS = 10_000;

    @TempDir
    Path dir;
    private final ModelConfig config = TestModels.microDense();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private NDManager manager;
    private WorkingSet set;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        if (set != null) {
            set.close();
        }
        manager.close();
    }

    private WorkingSet open(long deviceBudget, long cpuBudget) {
        set = new WorkingSet(config, manager, new WorkingSet.Settings(deviceBudget, cpuBudget, 2, BACKOFF_MS, 1000),
                clock::get);
        return set;
    }

    private LoraWeights weights(int rank, long seed) {
        return LoraWeights.random(config, EnumSet.of(Projection.Q, Projection.V), rank, 2f * rank, seed, true);
    }

    /** Writes a PEFT adapter and registers it under {@code id}. */
    private LoraWeights register(String id, int rank) {
        LoraWeights w = weights(rank, id.hashCode());
        PeftAdapterIo.write(dir.resolve(id), w, config);
        set.register(id, AdapterSource.of(dir.resolve(id)));
        return w;
    }

    private AdapterStatus status(String id) {
        return set.status(id);
    }

    @Test
    void shouldMoveAnAdapterThroughItsStatesAndTiersUnderBothBudgets() {
        long one = weights(2, 0).byteSize();
        open(one, 2 * one);
        register("a", 2);
        register("b", 2);
        assertThat(status("a").state()).isEqualTo(AdapterState.EVICTED);
        assertThat(status("a").tier()).isEqualTo(AdapterTier.STORAGE);

        AdapterStatus a = set.prefetch("a").join();
        assertThat(a.state()).isEqualTo(AdapterState.READY_DEVICE);
        assertThat(a.tier()).isEqualTo(AdapterTier.DEVICE);
        assertThat(a.rank()).isEqualTo(2);
        assertThat(a.bytes()).isEqualTo(one);

        set.prefetch("b").join(); // room for one on the device: a goes back to the CPU tier
        assertThat(status("a").state()).isEqualTo(AdapterState.READY_CPU);
        assertThat(status("b").state()).isEqualTo(AdapterState.READY_DEVICE);
        assertThat(set.decodes()).isEqualTo(2);

        set.prefetch("a").join(); // from the CPU tier: no file is read again
        assertThat(set.decodes()).isEqualTo(2);
        assertThat(set.loads()).isEqualTo(3);
        assertThat(status("b").state()).isEqualTo(AdapterState.READY_CPU);
        assertThat(set.peakDeviceBytes()).isLessThanOrEqualTo(one);

        register("c", 2); // three decoded copies, room for two in Java memory: the least recently used goes
        set.prefetch("c").join();
        assertThat(set.cpuBytesUsed()).isLessThanOrEqualTo(2 * one);
        assertThat(status("b").state()).isEqualTo(AdapterState.EVICTED);
        assertThat(set.snapshot()).extracting(AdapterStatus::id).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void aDeviceCopyInUseDrainsWhenEvictedAndIsFreedByItsLastRow() throws Exception {
        long one = weights(4, 0).byteSize();
        open(2 * one, 2 * one);
        register("a", 4);
        set.demand("a");
        awaitSettled("a");
        DeviceAdapter copy = set.acquire("a");
        assertThat(copy).isNotNull();
        assertThat(status("a").rowsInUse()).isEqualTo(1);

        set.evict("a");
        assertThat(status("a").state()).isEqualTo(AdapterState.DRAINING);
        assertThat(set.deviceBytesUsed()).as("still on the device under its row").isEqualTo(one);
        set.release(copy);
        assertThat(set.deviceBytesUsed()).isZero();
        assertThat(status("a").state()).isEqualTo(AdapterState.EVICTED);
    }

    @Test
    void aFailedLoadFailsFastWithItsReasonUntilTheBackoffEndsOrANewRevisionComes() {
        open(1 << 20, 1 << 20);
        AtomicInteger opens = new AtomicInteger();
        set.register("x", new AdapterSource() {
            @Override
            public String identity() {
                return "broken";
            }

            @Override
            public Path open() {
                opens.incrementAndGet();
                throw new IllegalStateException("checksum mismatch for mint://p/sampler/x");
            }
        });
        assertThatThrownBy(() -> set.prefetch("x").join()).hasMessageContaining("checksum mismatch");
        assertThat(status("x").state()).isEqualTo(AdapterState.FAILED);
        assertThat(status("x").failure()).contains("adapter 'x' failed to load").contains("checksum mismatch");

        set.demand("x"); // a request during the backoff: fails at once, nothing is read again
        assertThat(set.settled("x")).isTrue();
        assertThat(set.failure("x")).contains("checksum mismatch");
        set.undemand("x");
        assertThatThrownBy(() -> set.prefetch("x").join()).hasMessageContaining("checksum mismatch");
        assertThat(opens).hasValue(1);

        clock.addAndGet(BACKOFF_MS); // after the backoff a request may try again
        assertThatThrownBy(() -> set.prefetch("x").join()).hasMessageContaining("checksum mismatch");
        assertThat(opens).hasValue(2);

        LoraWeights good = weights(2, 5); // a new revision under the id is tried at once
        PeftAdapterIo.write(dir.resolve("x2"), good, config);
        set.register("x", AdapterSource.of(dir.resolve("x2")));
        assertThat(set.prefetch("x").join().state()).isEqualTo(AdapterState.READY_DEVICE);
    }

    @Test
    void aCorruptFileFailsWithTheReasonAndLeavesTheOthersLoadable() throws Exception {
        open(1 << 20, 1 << 20);
        register("good", 2);
        Path bad = Files.createDirectories(dir.resolve("bad"));
        PeftAdapterIo.write(bad, weights(2, 9), config);
        Files.write(bad.resolve(PeftAdapterIo.WEIGHTS), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        set.register("bad", AdapterSource.of(bad));
        assertThatThrownBy(() -> set.prefetch("bad").join()).hasMessageContaining("adapter 'bad' failed to load");
        assertThat(set.prefetch("good").join().state()).isEqualTo(AdapterState.READY_DEVICE);
    }

    @Test
    void pinnedAdaptersStayResidentCountAgainstTheBudgetAndAPinThatCannotFitIsRefused() {
        long one = weights(2, 0).byteSize();
        open(2 * one, 8 * one);
        for (String id : List.of("a", "b", "c", "d")) {
            register(id, 2);
        }
        assertThat(set.pin("a").join().pinned()).isTrue();
        set.prefetch("b").join();
        set.prefetch("c").join(); // b goes, the pinned a stays
        assertThat(set.residentIds()).containsExactlyInAnyOrder("a", "c");
        set.pin("c").join();
        assertThatThrownBy(() -> set.pin("d").join()).hasMessageContaining("pin refused")
                .hasMessageContaining("device budget is " + 2 * one).hasMessageContaining(2 * one + " of them pinned");
        assertThat(status("d").pinned()).isFalse();
        assertThat(set.residentIds()).containsExactlyInAnyOrder("a", "c");

        set.unpin("a");
        clock.addAndGet(BACKOFF_MS); // d's refusal is remembered for the backoff
        assertThat(set.pin("d").join().state()).isEqualTo(AdapterState.READY_DEVICE);
        assertThat(set.residentIds()).containsExactlyInAnyOrder("c", "d");
    }

    @Test
    void deviceBytesNeverExceedTheBudgetWhileThreadsDemandUseAndReleaseAdaptersOfMixedRanks() throws Exception {
        open(3 * weights(8, 0).byteSize(), 4 * weights(8, 0).byteSize());
        for (int i = 0; i < 16; i++) {
            register("r" + i, 1 + i % 8);
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Random rnd = new Random(t);
            done.add(threads.submit(() -> {
                for (int i = 0; i < 60; i++) {
                    String id = "r" + rnd.nextInt(16);
                    set.demand(id);
                    awaitSettled(id);
                    DeviceAdapter copy = set.acquire(id);
                    assertThat(copy).as(id).isNotNull();
                    set.release(copy);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(set.peakDeviceBytes()).isLessThanOrEqualTo(set.deviceBudgetBytes());
        assertThat(set.copiesInUse()).isZero();
        assertThat(set.loads()).isGreaterThan(16);
        assertThat(set.failures()).isZero();
    }

    /** The cap on known ids forgets idle registrations, never one just made, even when all older ones are held. */
    @Test
    void theKnownCapForgetsIdleRegistrationsButNeverTheOneJustMade() {
        set = new WorkingSet(config, manager, new WorkingSet.Settings(1 << 20, 1 << 20, 2, BACKOFF_MS, 2),
                clock::get);
        for (String id : new String[] {"a", "b", "c"}) {
            register(id, 2);
            set.prefetch(id).join(); // held on the device: the cap cannot forget it
        }
        register("d", 2); // four known, cap 2 (+1 slack), every older one held

        assertThat(set.prefetch("d").join().state()).isEqualTo(AdapterState.READY_DEVICE);
        register("e", 2);
        register("f", 2); // idle ones past the cap go, oldest first; the newest stays known
        assertThat(set.status("e")).isNull();
        assertThat(set.prefetch("f").join().state()).isEqualTo(AdapterState.READY_DEVICE);
    }

    @Test
    void anUnknownAdapterIsAClearError() {
        open(1 << 20, 1 << 20);
        assertThatThrownBy(() -> set.demand("nope")).isInstanceOf(EngineException.class)
                .hasMessageContaining("adapter 'nope' is not registered");
        assertThatThrownBy(() -> set.prefetch("nope").join()).hasMessageContaining("not registered");
    }

    private void awaitSettled(String id) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!set.settled(id)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(id + " never settled: " + set.status(id));
            }
            Thread.onSpinWait();
        }
    }
}
