package ai.mint.engine.lora;

import ai.djl.ndarray.NDManager;
import ai.mint.engine.AdapterSource;
import ai.mint.engine.AdapterState;
import ai.mint.engine.AdapterStatus;
import ai.mint.engine.AdapterTier;
import ai.mint.engine.EngineException;
import ai.mint.engine.model.ModelConfig;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The engine's adapters in their tiers: files on storage, decoded copies in Java memory (the CPU tier, bounded in
 * bytes) and device copies (bounded in bytes, each adapter at its own rank). Each adapter has an explicit
 * {@link AdapterState}. Loading never happens on the caller's thread: reading, verifying and decoding files, and
 * uploading a decoded copy to the device, run on loader threads of their own; the model thread only takes and
 * returns device copies that are ready ({@link #acquire}, {@link #release}). The decisions (what fits, what to evict,
 * what to drop) are {@link TierPlanner}'s.
 *
 * <p>Rules: device bytes (resident copies, copies draining under running rows, uploads in flight) never exceed the
 * device budget; an adapter in use by rows, waited for by requests, or pinned is never evicted; an adapter that cannot
 * fit waits for room instead of failing, unless it can never fit (larger than what pins leave), which fails it; a
 * failed load remembers its reason, and requests for it fail fast until the backoff has passed or a new source
 * (revision) is registered under its id. Entries that hold nothing are forgotten beyond {@code maxKnown}, so that
 * sweeping through any number of adapters keeps memory flat (callers register again before they use an id).
 */
public final class WorkingSet implements AutoCloseable {

    /**
     * @param deviceBudgetBytes device bytes adapters may hold
     * @param cpuBudgetBytes    bytes of decoded adapters kept in Java memory
     * @param loaderThreads     threads that read, verify, decode and upload adapters
     * @param failureBackoffMs  how long a failed adapter fails requests fast before a request may retry it
     * @param maxKnown          entries kept when they hold nothing (forgotten least recently used first)
     */
    public record Settings(long deviceBudgetBytes, long cpuBudgetBytes, int loaderThreads, long failureBackoffMs,
                           int maxKnown) {
        public Settings {
            if (deviceBudgetBytes <= 0 || cpuBudgetBytes < 0 || loaderThreads < 1 || failureBackoffMs < 0
                    || maxKnown < 1) {
                throw new EngineException("working set needs a positive device budget, a CPU budget >= 0, at least "
                        + "one loader thread, a backoff >= 0 and maxKnown >= 1; got " + this);
            }
        }
    }

    private enum Task { NONE, QUEUED, RUNNING }

    /** One adapter id. Guarded by the working set's lock. */
    private static final class Entry {
        final String id;
        AdapterSource source;
        long generation;
        Task task = Task.NONE;
        LoraWeights cpu;
        DeviceAdapter device;
        final List<DeviceAdapter> draining = new ArrayList<>(1);
        long reserved;
        long bytes;
        int rank;
        int demand;
        boolean pinned;
        long lastUsed; // when a row last took it, or when it last reached the device if later
        String failure;
        long failedAt;
        final List<CompletableFuture<AdapterStatus>> waiters = new ArrayList<>(1);

        Entry(String id, AdapterSource source) {
            this.id = id;
            this.source = source;
        }

        boolean wantsDevice() {
            return pinned || demand > 0 || !waiters.isEmpty();
        }

        boolean holdsNothing() {
            return device == null && cpu == null && draining.isEmpty() && task == Task.NONE && !wantsDevice();
        }
    }

    private final ModelConfig config;
    private final NDManager parent;
    private final Settings settings;
    private final LongSupplier clock;
    private final ExecutorService loader;
    // least recently touched first; device and CPU views keep their own use order for eviction
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<String, Entry> onDevice = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<String, Entry> inCpu = new LinkedHashMap<>(16, 0.75f, true);
    private final Set<Entry> waitingForRoom = new LinkedHashSet<>();
    private final Set<Entry> pinned = new LinkedHashSet<>();
    private final Map<DeviceAdapter, Integer> rowsUsing = new IdentityHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long deviceUsed;
    private long peakDeviceUsed;
    private long cpuUsed;
    private long loads;
    private long decodes;
    private long evictions;
    private long failures;
    private boolean closed;

    public WorkingSet(ModelConfig config, NDManager parent, Settings settings) {
        this(config, parent, settings, System::currentTimeMillis);
    }

    WorkingSet(ModelConfig config, NDManager parent, Settings settings, LongSupplier clock) {
        this.config = config;
        this.parent = parent;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.loader = Executors.newFixedThreadPool(settings.loaderThreads(), r -> {
            Thread t = new Thread(r, "mint-adapter-loader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Called (on any thread) whenever an adapter became ready on the device or failed: rows waiting may go on. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /**
     * Makes {@code id} known. The same source again changes nothing; another source under a known id is a new
     * revision: copies of the old one go (a device copy in use drains first) and a failure is forgotten.
     */
    public void register(String id, AdapterSource source) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.get(id);
            if (e == null) {
                Entry fresh = new Entry(id, source);
                entries.put(id, fresh);
                trimKnown(fresh);
                return;
            }
            if (e.source.identity().equals(source.identity())) {
                return;
            }
            renew(e, source);
            advance(e, after);
            serveWaitingForRoom(after);
        }
        after.forEach(Runnable::run);
    }

    /**
     * A new revision under {@code id} already decoded by the caller: it replaces the old one (which drains under rows
     * still using it) and goes to the device when wanted. Refused, changing nothing, if it can never fit.
     */
    public void replace(String id, LoraWeights revision, AdapterSource source) {
        revision.checkFits(config);
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.computeIfAbsent(id, k -> new Entry(k, source));
            long pinnedOthers = pinnedBytesExcept(e);
            if (revision.byteSize() > settings.deviceBudgetBytes() - pinnedOthers) {
                throw new EngineException("revision of adapter '" + id + "' needs " + revision.byteSize()
                        + " bytes on the device; the device budget is " + settings.deviceBudgetBytes() + " bytes"
                        + (pinnedOthers > 0 ? " (" + pinnedOthers + " pinned)" : "") + ": nothing was changed");
            }
            renew(e, source);
            putCpu(e, revision);
            advance(e, after);
            trimCpu();
            serveWaitingForRoom(after);
        }
        after.forEach(Runnable::run);
    }

    /** Starts loading {@code id} onto the device; completes once it is there, or fails with the reason. */
    public CompletableFuture<AdapterStatus> prefetch(String id) {
        return wantDevice(id, false);
    }

    /**
     * Keeps {@code id} on the device until {@link #unpin}: it counts against the device budget and is never
     * evicted. Completes once it is resident; fails (and is unpinned) if it cannot fit beside the other pins.
     */
    public CompletableFuture<AdapterStatus> pin(String id) {
        return wantDevice(id, true);
    }

    private CompletableFuture<AdapterStatus> wantDevice(String id, boolean pin) {
        CompletableFuture<AdapterStatus> f = new CompletableFuture<>();
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.get(id);
            if (e == null) {
                return CompletableFuture.failedFuture(notRegistered(id));
            }
            if (pin && !e.pinned) {
                e.pinned = true;
                pinned.add(e);
            }
            onDevice.get(id); // asked for now: the most recently used in both tiers
            inCpu.get(id);
            e.waiters.add(f);
            advance(e, after);
        }
        after.forEach(Runnable::run);
        return f;
    }

    /** Lets {@code id} be evicted again like any other adapter. */
    public void unpin(String id) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.get(id);
            if (e != null && e.pinned) {
                e.pinned = false;
                pinned.remove(e);
                serveWaitingForRoom(after);
            }
        }
        after.forEach(Runnable::run);
    }

    /** Drops {@code id}'s copies from the device (draining under running rows) and from Java memory; unpins it. */
    public void evict(String id) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.get(id);
            if (e == null) {
                return;
            }
            if (e.pinned) {
                e.pinned = false;
                pinned.remove(e);
            }
            evictFromDevice(e);
            dropCpu(e);
            serveWaitingForRoom(after);
        }
        after.forEach(Runnable::run);
    }

    /**
     * {@link #evict} unless {@code id} is pinned or wanted now (a request waits for it, a load was asked for); a copy
     * rows still use drains under them. Says whether it was evicted.
     */
    public boolean evictIfIdle(String id) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.get(id);
            if (e == null || e.wantsDevice() || e.task != Task.NONE) {
                return false;
            }
            evictFromDevice(e);
            dropCpu(e);
            serveWaitingForRoom(after);
        }
        after.forEach(Runnable::run);
        return true;
    }

    /**
     * A request will use {@code id}: its load starts now if it is not on the device. Each demand is consumed by one
     * {@link #acquire} or given back by {@link #undemand}.
     *
     * @throws EngineException if {@code id} is not registered
     */
    public void demand(String id) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.get(id);
            if (e == null) {
                throw notRegistered(id);
            }
            e.demand++;
            advance(e, after);
        }
        after.forEach(Runnable::run);
    }

    /** A request that demanded {@code id} will not use it after all (it failed or was cancelled). */
    public void undemand(String id) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.get(id);
            if (e != null && e.demand > 0) {
                e.demand--;
                if (!e.wantsDevice()) {
                    waitingForRoom.remove(e);
                }
                serveWaitingForRoom(after);
            }
        }
        after.forEach(Runnable::run);
    }

    /** Whether a demanded {@code id} can be taken now ({@link #acquire}) or has failed ({@link #failure}). */
    public boolean settled(String id) {
        List<Runnable> after = new ArrayList<>();
        boolean settled;
        synchronized (this) {
            Entry e = entries.get(id);
            if (e == null) {
                return true;
            }
            if (e.failure != null && currentFailure(e) == null) {
                advance(e, after); // its backoff has passed while a request waited: try again
            }
            settled = e.device != null || currentFailure(e) != null;
        }
        after.forEach(Runnable::run);
        return settled;
    }

    /**
     * The device copy of a demanded {@code id} for one row (consuming one demand), or null if it is not on the device
     * yet. The row returns it with {@link #release} when it finishes.
     */
    public synchronized DeviceAdapter acquire(String id) {
        Entry e = entries.get(id);
        if (e == null || e.device == null) {
            return null;
        }
        onDevice.get(id); // most recently used now, in both tiers
        inCpu.get(id);
        e.lastUsed = clock.getAsLong();
        if (e.demand > 0) {
            e.demand--;
        }
        rowsUsing.merge(e.device, 1, Integer::sum);
        return e.device;
    }

    /** Why {@code id}'s last load failed, while requests for it fail fast; null otherwise. */
    public synchronized String failure(String id) {
        Entry e = entries.get(id);
        return e == null ? "adapter '" + id + "' is no longer registered" : currentFailure(e);
    }

    /** A row that took {@code adapter} finished; a copy evicted or replaced meanwhile is freed with its last row. */
    public void release(DeviceAdapter adapter) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            Integer n = rowsUsing.get(adapter);
            if (n == null) {
                return;
            }
            if (n > 1) {
                rowsUsing.put(adapter, n - 1);
                return;
            }
            rowsUsing.remove(adapter);
            Entry e = entries.get(adapter.id());
            if (e != null && e.draining.remove(adapter)) {
                adapter.close();
                deviceUsed -= adapter.byteSize();
            } else if (e == null && !closed) {
                adapter.close(); // its entry was forgotten while it drained
                deviceUsed -= adapter.byteSize();
            }
            serveWaitingForRoom(after);
        }
        after.forEach(Runnable::run);
    }

    /** The adapter as it stands now, or null if it is not known. */
    public synchronized AdapterStatus status(String id) {
        Entry e = entries.get(id);
        return e == null ? null : statusOf(e);
    }

    /** Every adapter that holds memory, is loading, waits for the device, is pinned or has failed. */
    public synchronized List<AdapterStatus> snapshot() {
        List<AdapterStatus> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (!e.holdsNothing() || e.failure != null) {
                out.add(statusOf(e));
            }
        }
        return out;
    }

    /** Bytes per tier, budgets, peak device bytes and counters, at one moment. */
    public synchronized ai.mint.engine.WorkingSetStats stats() {
        return new ai.mint.engine.WorkingSetStats(deviceUsed, peakDeviceUsed, settings.deviceBudgetBytes(), cpuUsed,
                settings.cpuBudgetBytes(), loads, decodes, evictions, failures, entries.size());
    }

    public synchronized Set<String> residentIds() {
        return Set.copyOf(onDevice.keySet());
    }

    /** Device bytes of resident copies (not those draining or being uploaded). */
    public synchronized long residentBytes() {
        return onDevice.values().stream().mapToLong(e -> e.device.byteSize()).sum();
    }

    /** Device bytes held now: resident copies, copies draining under rows, uploads in flight. */
    public synchronized long deviceBytesUsed() {
        return deviceUsed;
    }

    /** The most device bytes ever held at once (never above the budget). */
    public synchronized long peakDeviceBytes() {
        return peakDeviceUsed;
    }

    public synchronized long cpuBytesUsed() {
        return cpuUsed;
    }

    public long deviceBudgetBytes() {
        return settings.deviceBudgetBytes();
    }

    public long cpuBudgetBytes() {
        return settings.cpuBudgetBytes();
    }

    /** Uploads to the device so far. */
    public synchronized long loads() {
        return loads;
    }

    /** Files read and decoded so far. */
    public synchronized long decodes() {
        return decodes;
    }

    public synchronized long evictions() {
        return evictions;
    }

    public synchronized long failures() {
        return failures;
    }

    /** Entries known now (in a tier or not). */
    public synchronized int known() {
        return entries.size();
    }

    /** Device copies that running rows use. */
    public synchronized int copiesInUse() {
        return rowsUsing.size();
    }

    /** Device copies evicted or replaced whose memory waits for their rows to finish. */
    public synchronized int drainingCount() {
        return entries.values().stream().mapToInt(e -> e.draining.size()).sum();
    }

    // ---- transitions, all under the lock; what must run outside it (futures, listeners) goes into `after` ----

    /** Moves {@code e} towards the device if something wants it there. */
    private void advance(Entry e, List<Runnable> after) {
        if (closed) {
            return;
        }
        if (e.device != null) {
            completeWaiters(e, after);
            return;
        }
        if (e.task != Task.NONE) {
            return;
        }
        if (e.failure != null) {
            if (currentFailure(e) != null) {
                failWaiters(e, after);
                return;
            }
            e.failure = null; // the backoff has passed: try again
        }
        if (!e.wantsDevice()) {
            return;
        }
        if (e.cpu == null) {
            scheduleDecode(e);
            return;
        }
        TierPlanner.DevicePlan plan = TierPlanner.placeOnDevice(deviceCopies(e), pinnedBytesExcept(e), deviceUsed,
                settings.deviceBudgetBytes(), e.cpu.byteSize());
        switch (plan.verdict()) {
            case NEVER -> fail(e, "adapter '" + e.id + "' cannot be placed: " + plan.reason()
                    + (e.pinned ? " (pin refused)" : ""), after);
            case WAIT -> waitingForRoom.add(e);
            case FITS -> {
                waitingForRoom.remove(e);
                for (String victim : plan.evict()) {
                    evictFromDevice(entries.get(victim));
                }
                scheduleUpload(e, e.cpu);
            }
        }
    }

    /** Device copies other than {@code except}'s, least recently used first, as the planner sees them (lazily). */
    private Iterable<TierPlanner.DeviceCopy> deviceCopies(Entry except) {
        return () -> new Iterator<>() {
            private final Iterator<Entry> it = onDevice.values().iterator();
            private Entry next = advanceTo();

            private Entry advanceTo() {
                while (it.hasNext()) {
                    Entry c = it.next();
                    if (c != except) {
                        return c;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public TierPlanner.DeviceCopy next() {
                Entry c = next;
                next = advanceTo();
                return new TierPlanner.DeviceCopy(c.id, c.device.byteSize(), rowsUsing.containsKey(c.device),
                        c.pinned, c.demand > 0);
            }
        };
    }

    private long pinnedBytesExcept(Entry except) {
        long sum = 0;
        for (Entry p : pinned) {
            if (p != except) {
                sum += p.bytes;
            }
        }
        return sum;
    }

    private void scheduleDecode(Entry e) {
        e.task = Task.QUEUED;
        long generation = e.generation;
        AdapterSource source = e.source;
        loader.execute(() -> decode(e, generation, source));
    }

    private void decode(Entry e, long generation, AdapterSource source) {
        synchronized (this) {
            if (closed) {
                return;
            }
            e.task = Task.RUNNING;
        }
        LoraWeights w = null;
        String error = null;
        try {
            w = PeftAdapterIo.read(source.open(), config);
        } catch (RuntimeException ex) {
            error = describe(ex);
        }
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            e.task = Task.NONE;
            if (!closed) {
                if (generation != e.generation) {
                    advance(e, after); // a new revision came meanwhile: load that one
                } else if (error != null) {
                    fail(e, "adapter '" + e.id + "' failed to load: " + error, after);
                } else {
                    decodes++;
                    putCpu(e, w);
                    advance(e, after);
                    trimCpu();
                }
            }
        }
        after.forEach(Runnable::run);
    }

    private void scheduleUpload(Entry e, LoraWeights w) {
        e.task = Task.QUEUED;
        e.reserved = w.byteSize();
        deviceUsed += e.reserved;
        peakDeviceUsed = Math.max(peakDeviceUsed, deviceUsed);
        long generation = e.generation;
        loader.execute(() -> upload(e, generation, w));
    }

    private void upload(Entry e, long generation, LoraWeights w) {
        synchronized (this) {
            if (closed) {
                return;
            }
            e.task = Task.RUNNING;
        }
        DeviceAdapter copy = null;
        String error = null;
        try {
            copy = DeviceAdapter.upload(e.id, w, config, parent); // off the model thread: only this entry waits
        } catch (RuntimeException ex) {
            error = describe(ex);
        }
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            e.task = Task.NONE;
            long reserved = e.reserved;
            e.reserved = 0;
            if (closed) {
                if (copy != null) {
                    copy.close();
                }
            } else if (copy != null && generation == e.generation) {
                e.device = copy; // the reservation becomes the copy's bytes
                e.lastUsed = Math.max(e.lastUsed, clock.getAsLong()); // entered the tier: its age counts from now
                onDevice.put(e.id, e);
                loads++;
                completeWaiters(e, after);
                after.add(this::notifyListeners);
            } else {
                deviceUsed -= reserved;
                if (copy != null) {
                    copy.close();
                }
                if (error != null && generation == e.generation) {
                    fail(e, "adapter '" + e.id + "' could not be uploaded to the device: " + error, after);
                } else {
                    advance(e, after);
                }
                serveWaitingForRoom(after);
            }
        }
        after.forEach(Runnable::run);
    }

    /** A new source under a known id: the old revision's copies go, its failure is forgotten. */
    private void renew(Entry e, AdapterSource source) {
        e.source = source;
        e.generation++;
        e.failure = null;
        dropCpu(e);
        evictFromDevice(e);
        e.bytes = 0;
        e.rank = 0; // a pin holds across revisions: the caller's advance() brings the new one up
    }

    private void evictFromDevice(Entry e) {
        if (e == null || e.device == null) {
            return;
        }
        DeviceAdapter copy = e.device;
        e.device = null;
        onDevice.remove(e.id);
        evictions++;
        if (rowsUsing.containsKey(copy)) {
            e.draining.add(copy); // its bytes stay counted until the last row releases it
        } else {
            copy.close();
            deviceUsed -= copy.byteSize();
        }
    }

    private void putCpu(Entry e, LoraWeights w) {
        dropCpu(e);
        e.cpu = w;
        e.bytes = w.byteSize();
        e.rank = w.rank();
        cpuUsed += w.byteSize();
        inCpu.put(e.id, e);
    }

    private void dropCpu(Entry e) {
        if (e.cpu != null) {
            cpuUsed -= e.cpu.byteSize();
            e.cpu = null;
            inCpu.remove(e.id);
        }
    }

    private void trimCpu() {
        if (cpuUsed <= settings.cpuBudgetBytes()) {
            return;
        }
        Iterable<TierPlanner.CpuCopy> copies = () -> inCpu.values().stream()
                .map(e -> new TierPlanner.CpuCopy(e.id, e.cpu.byteSize(),
                        e.device == null && e.wantsDevice())).iterator();
        for (String id : TierPlanner.trimCpu(copies, cpuUsed, settings.cpuBudgetBytes())) {
            dropCpu(entries.get(id));
        }
    }

    /** Device room may have come free: adapters waiting for it go on, in the order they started waiting. */
    private void serveWaitingForRoom(List<Runnable> after) {
        if (waitingForRoom.isEmpty()) {
            return;
        }
        for (Entry e : List.copyOf(waitingForRoom)) {
            waitingForRoom.remove(e);
            advance(e, after);
        }
    }

    private void fail(Entry e, String reason, List<Runnable> after) {
        e.failure = reason;
        e.failedAt = clock.getAsLong();
        failures++;
        waitingForRoom.remove(e);
        if (e.pinned) {
            e.pinned = false;
            pinned.remove(e);
        }
        failWaiters(e, after);
        after.add(this::notifyListeners);
    }

    private String currentFailure(Entry e) {
        if (e.failure == null) {
            return null;
        }
        return clock.getAsLong() - e.failedAt < settings.failureBackoffMs() ? e.failure : null;
    }

    private void completeWaiters(Entry e, List<Runnable> after) {
        if (e.waiters.isEmpty()) {
            return;
        }
        AdapterStatus status = statusOf(e);
        List<CompletableFuture<AdapterStatus>> done = List.copyOf(e.waiters);
        e.waiters.clear();
        after.add(() -> done.forEach(f -> f.complete(status)));
    }

    private void failWaiters(Entry e, List<Runnable> after) {
        if (e.waiters.isEmpty()) {
            return;
        }
        EngineException error = new EngineException(e.failure);
        List<CompletableFuture<AdapterStatus>> done = List.copyOf(e.waiters);
        e.waiters.clear();
        after.add(() -> done.forEach(f -> f.completeExceptionally(error)));
    }

    private void notifyListeners() {
        listeners.forEach(Runnable::run);
    }

    /** Forgets entries that hold nothing, least recently touched first, once there are more than maxKnown. */
    /**
     * Forgets the oldest registrations that hold nothing once there are more than the cap; never {@code keep} (just
     * registered: its caller is about to demand it), so that the cap bounds memory without refusing a new adapter
     * when every older one is still held in a tier.
     */
    private void trimKnown(Entry keep) {
        int max = settings.maxKnown();
        if (entries.size() <= max + Math.max(1, max / 16)) {
            return;
        }
        Iterator<Entry> it = entries.values().iterator();
        while (entries.size() > max && it.hasNext()) {
            Entry e = it.next();
            if (e != keep && e.holdsNothing()) {
                it.remove();
            }
        }
    }

    private AdapterStatus statusOf(Entry e) {
        AdapterState state;
        if (currentFailure(e) != null) {
            state = AdapterState.FAILED;
        } else if (e.device != null) {
            state = AdapterState.READY_DEVICE;
        } else if (e.task == Task.RUNNING) {
            state = AdapterState.LOADING;
        } else if (e.task == Task.QUEUED) {
            state = AdapterState.QUEUED;
        } else if (!e.draining.isEmpty()) {
            state = AdapterState.DRAINING;
        } else if (e.cpu != null) {
            state = AdapterState.READY_CPU;
        } else {
            state = AdapterState.EVICTED;
        }
        AdapterTier tier = e.device != null ? AdapterTier.DEVICE : e.cpu != null ? AdapterTier.CPU : AdapterTier.STORAGE;
        int inUse = e.device == null ? 0 : rowsUsing.getOrDefault(e.device, 0);
        for (DeviceAdapter d : e.draining) {
            inUse += rowsUsing.getOrDefault(d, 0);
        }
        return new AdapterStatus(e.id, state, tier, e.bytes, e.rank, e.pinned, inUse, e.lastUsed, e.failure);
    }

    private static EngineException notRegistered(String id) {
        return new EngineException("adapter '" + id + "' is not registered (register its PEFT files first)");
    }

    private static String describe(Throwable ex) {
        return ex.getMessage() != null ? ex.getMessage() : ex.toString();
    }

    /** Stops the loader threads and frees every device copy; waiting prefetches and pins fail. */
    @Override
    public void close() {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        loader.shutdownNow();
        try {
            loader.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            EngineException gone = new EngineException("the engine was closed");
            for (Entry e : entries.values()) {
                if (e.device != null) {
                    e.device.close();
                }
                e.draining.forEach(DeviceAdapter::close);
                List<CompletableFuture<AdapterStatus>> waiting = List.copyOf(e.waiters);
                after.add(() -> waiting.forEach(f -> f.completeExceptionally(gone)));
            }
            entries.clear();
            onDevice.clear();
            inCpu.clear();
            rowsUsing.clear();
            deviceUsed = 0;
            cpuUsed = 0;
        }
        after.forEach(Runnable::run);
    }
}
