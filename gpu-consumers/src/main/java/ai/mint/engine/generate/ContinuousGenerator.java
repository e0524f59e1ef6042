package ai.mint.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.engine.ContinuousBatch;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.TokenSink;
import ai.mint.engine.lora.AdapterLeases;
import ai.mint.engine.lora.RowFactors;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.KvCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's {@link ContinuousBatch}: a running set of rows sharing one right-aligned {@link KvCache} and one set
 * of gathered {@link RowFactors}, a group of new rows being prefilled in chunks of columns, and rows waiting for their
 * adapter or for room. Each {@link #step} admits waiting rows whose adapter is on the device into a new prefill group
 * (when none is in flight), runs one prefill chunk of at most {@code prefillChunkTokens} padded tokens, then one
 * decoding step of the running rows; rows that finish leave the cache at once (and leading columns no row needs any
 * more go with them). Every row sees only its own keys (left padding is masked), its own adapter and its own seeded
 * sampler, so it gets the tokens it would get alone.
 */
public final class ContinuousGenerator implements ContinuousBatch {

    private static final Logger LOG = LoggerFactory.getLogger(ContinuousGenerator.class);

    /**
     * @param prefillRows        most rows prefilled together
     * @param prefillChunkTokens most padded tokens (rows x columns) of one prefill forward
     * @param maxRows            most rows running and prefilling at once; more wait
     */
    public record Settings(int prefillRows, int prefillChunkTokens, int maxRows) {

        /** 32 rows per prefill group, 512 tokens per prefill chunk, 1024 rows at once. */
        public static final Settings DEFAULT = new Settings(32, 512, 1024);

        public Settings {
            if (prefillRows < 1 || prefillChunkTokens < 1 || maxRows < 1) {
                throw new EngineException("prefill rows, prefill chunk tokens and max rows must be >= 1, got "
                        + prefillRows + ", " + prefillChunkTokens + ", " + maxRows);
            }
        }
    }

    private final DecoderModel model;
    private final int padToken;
    private final Settings settings;
    private final AdapterLeases leases;
    private final Runnable wake;
    private final Runnable onClose;
    private final Lock weights;
    private final Queue<Row> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final ArrayDeque<Row> waiting = new ArrayDeque<>();
    private final List<Row> active = new ArrayList<>();
    private final NDManager manager;
    private final KvCache cache;
    private RowFactors factors;
    private PrefillGroup group;
    private volatile boolean closed;

    /**
     * @param wake    called (from any thread) when a submitted request may make the batch runnable
     * @param onClose called once when the batch closes
     */
    public ContinuousGenerator(DecoderModel model, int padToken, Settings settings, AdapterLeases leases,
                               Runnable wake, Runnable onClose) {
        this(model, padToken, settings, leases, wake, onClose, new ReentrantLock());
    }

    /**
     * @param weights held around each step's model work: the engine's base-weights read lock, so that a base swap
     *                waits between steps
     */
    public ContinuousGenerator(DecoderModel model, int padToken, Settings settings, AdapterLeases leases,
                               Runnable wake, Runnable onClose, Lock weights) {
        this.weights = weights;
        this.model = model;
        this.padToken = padToken;
        this.settings = settings;
        this.leases = leases;
        this.wake = wake;
        this.onClose = onClose;
        this.manager = model.base().manager().newSubManager();
        this.cache = new KvCache(manager, model.config().numLayers());
        this.factors = RowFactors.empty(manager);
    }

    @Override
    public CompletableFuture<GenerationResult> submit(GenerationRequest request, TokenSink sink) {
        CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        try {
            check(request);
            if (closed) {
                throw new EngineException("the generation batch is closed");
            }
            if (request.adapterId() != null) {
                leases.demand(request.adapterId()); // starts the adapter's load now, off this thread
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        pending.incrementAndGet();
        incoming.add(new Row(request, sink == null ? TokenSink.NONE : sink, result));
        wake.run();
        return result;
    }

    /** Refuses a request that could only fail mid-batch: tokens outside the vocabulary, too long for the model. */
    public void check(GenerationRequest r) {
        int vocab = model.config().vocabSize();
        for (int t : r.promptTokens()) {
            if (t < 0 || t >= vocab) {
                throw new EngineException("prompt token " + t + " is outside the vocabulary 0.." + (vocab - 1));
            }
        }
        model.checkFits(r.promptTokens().length, r.sampling().maxTokens());
    }

    @Override
    public boolean runnable() {
        if (!incoming.isEmpty() || group != null || !active.isEmpty()) {
            return true;
        }
        for (Row r : waiting) {
            if (r.adapterId() == null || leases.settled(r.adapterId())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int pending() {
        return pending.get();
    }

    /** Rows decoding now. */
    public int running() {
        return active.size();
    }

    @Override
    public boolean step() {
        for (Row r; (r = incoming.poll()) != null; ) {
            waiting.add(r);
        }
        weights.lock();
        try {
            return stepLocked();
        } finally {
            weights.unlock();
        }
    }

    private boolean stepLocked() {
        boolean worked = admit();
        if (group != null) {
            prefillChunk();
            worked = true;
        }
        if (!active.isEmpty()) {
            decode();
            worked = true;
        }
        return worked;
    }

    /** Starts a prefill group from the waiting rows that can run now; fails rows whose adapter cannot load. */
    private boolean admit() {
        boolean worked = false;
        List<Row> picked = new ArrayList<>();
        for (Iterator<Row> it = waiting.iterator(); it.hasNext(); ) {
            Row r = it.next();
            String id = r.adapterId();
            String failure = id == null ? null : leases.failure(id);
            if (failure != null) {
                it.remove();
                leases.undemand(id);
                fail(r, new EngineException(failure));
                worked = true;
                continue;
            }
            boolean room = group == null && picked.size() < settings.prefillRows()
                    && active.size() + picked.size() < settings.maxRows();
            if (!room) {
                continue; // still look for failures further down
            }
            if (id != null) {
                r.adapter = leases.acquire(id);
                if (r.adapter == null) {
                    continue; // its adapter is loading: it waits, the others go on
                }
            }
            it.remove();
            picked.add(r);
        }
        if (!picked.isEmpty()) {
            try {
                group = new PrefillGroup(model, manager, picked, padToken);
            } catch (RuntimeException e) {
                LOG.warn("prefill of {} rows could not start: {}", picked.size(), e.toString());
                picked.forEach(r -> fail(r, e));
            }
            worked = true;
        }
        return worked;
    }

    private void prefillChunk() {
        PrefillGroup g = group;
        try {
            int columns = Math.max(1, settings.prefillChunkTokens() / g.rows.size());
            float[] last = g.next(model, columns);
            if (last == null) {
                return;
            }
            int vocab = model.config().vocabSize();
            List<Row> staying = new ArrayList<>();
            List<Long> keep = new ArrayList<>();
            int longest = 0;
            for (int i = 0; i < g.rows.size(); i++) {
                Row r = g.rows.get(i);
                r.length = r.promptLength();
                if (r.sample(last, i * vocab, vocab)) {
                    finish(r);
                } else {
                    staying.add(r);
                    keep.add((long) i);
                    longest = Math.max(longest, r.length);
                }
            }
            if (!staying.isEmpty()) {
                if (staying.size() < g.rows.size()) {
                    long[] idx = keep.stream().mapToLong(Long::longValue).toArray();
                    g.cache.keepRows(idx, g.length() - longest);
                    g.factors.keepRows(idx);
                }
                cache.join(g.cache);
                factors.join(g.factors);
                active.addAll(staying);
            }
            group = null;
            g.close();
        } catch (RuntimeException e) {
            LOG.warn("prefill of {} rows failed: {}", g.rows.size(), e.toString());
            group = null;
            g.close();
            g.rows.stream().filter(r -> !r.result.isDone()).forEach(r -> fail(r, e));
        }
    }

    private void decode() {
        int b = active.size();
        int columns = (int) cache.length() + 1;
        long[] input = new long[b];
        long[] positions = new long[b];
        long[] mask = new long[b * columns];
        for (int r = 0; r < b; r++) {
            Row row = active.get(r);
            input[r] = row.lastToken();
            positions[r] = row.length;
            // right-aligned: the row's keys are the last length + 1 columns once this step's key is appended
            java.util.Arrays.fill(mask, r * columns + columns - row.length - 1, (r + 1) * columns, 1L);
        }
        float[] last;
        try (NDManager s = manager.newSubManager()) {
            NDArray logits = model.forward(s.create(input, new Shape(b, 1)), s.create(positions, new Shape(b, 1)),
                    s.create(mask, new Shape(b, columns)), factors.isEmpty() ? null : factors, cache);
            last = logits.get(new NDIndex(":, -1, :")).toFloatArray(); // [B, V]
        } catch (RuntimeException e) {
            LOG.warn("decoding step of {} rows failed: {}", b, e.toString());
            List<Row> failed = List.copyOf(active);
            resetRunning();
            failed.forEach(r -> fail(r, e));
            return;
        }
        int vocab = model.config().vocabSize();
        List<Row> finished = new ArrayList<>();
        List<Long> keep = new ArrayList<>();
        int longest = 0;
        for (int r = 0; r < b; r++) {
            Row row = active.get(r);
            row.length++;
            if (row.sample(last, r * vocab, vocab)) {
                finished.add(row);
            } else {
                keep.add((long) r);
                longest = Math.max(longest, row.length);
            }
        }
        if (finished.isEmpty()) {
            return;
        }
        if (keep.isEmpty()) {
            resetRunning();
        } else {
            long[] idx = keep.stream().mapToLong(Long::longValue).toArray();
            cache.keepRows(idx, columns - longest);
            factors.keepRows(idx);
            active.removeAll(finished);
        }
        finished.forEach(this::finish);
    }

    private void resetRunning() {
        active.clear();
        cache.clear();
        factors.keepRows(new long[0]);
    }

    private void finish(Row r) {
        releaseAdapter(r);
        pending.decrementAndGet();
        r.result.complete(r.toResult());
    }

    private void fail(Row r, Throwable e) {
        releaseAdapter(r);
        pending.decrementAndGet();
        r.result.completeExceptionally(e);
    }

    private void releaseAdapter(Row r) {
        if (r.adapter != null) {
            leases.release(r.adapter);
            r.adapter = null;
        }
    }

    @Override
    public void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        EngineException gone = new EngineException(reason);
        for (Row r; (r = incoming.poll()) != null; ) {
            waiting.add(r);
        }
        for (Row r : waiting) {
            if (r.adapterId() != null) {
                leases.undemand(r.adapterId());
            }
            fail(r, gone);
        }
        waiting.clear();
        if (group != null) {
            group.rows.forEach(r -> fail(r, gone));
            group.close();
            group = null;
        }
        List.copyOf(active).forEach(r -> fail(r, gone));
        active.clear();
        manager.close();
        onClose.run();
    }
}
