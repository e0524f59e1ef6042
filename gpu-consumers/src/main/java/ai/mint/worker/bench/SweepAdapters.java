package ai.mint.worker.bench;

import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.training.bench.TrainingBenchSupport;
import ai.mint.worker.store.FilesystemAdapterStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sweep's adapters in a real store: {@code n} distinct PEFT adapters (ranks 1 to 8 in turn, on q_proj and v_proj,
 * each with its own random factors), stored with their manifests like exported revisions. Made once and kept under
 * target/bench-work: a later run with the same or fewer adapters reuses them, a larger one adds the missing ones.
 */
final class SweepAdapters {

    static final String READY = "sweep-ready.txt";

    private SweepAdapters() {
    }

    static String policy(int i) {
        return "sweep" + (i / 1000);
    }

    static String revision(int i) {
        return "a" + i;
    }

    static int rank(int i) {
        return 1 + i % 8;
    }

    /** Makes sure adapters 0..n-1 are in the store at {@code root}; prints progress while it writes them. */
    static void ensure(Path root, int n, ModelConfig config) {
        int have = created(root);
        if (have >= n) {
            return;
        }
        FilesystemAdapterStore store = new FilesystemAdapterStore(root);
        int threads = 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger(have);
        AtomicInteger done = new AtomicInteger(have);
        long start = System.nanoTime();
        try {
            Future<?>[] workers = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                Path staging = root.resolve(".staging-" + t);
                workers[t] = pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < n; ) {
                        int r = rank(i);
                        LoraWeights w = LoraWeights.random(config, EnumSet.of(Projection.Q, Projection.V), r, 2f * r,
                                i, true);
                        PeftAdapterIo.write(staging, w, config);
                        store.put(policy(i), "sampler", revision(i), staging);
                        done.incrementAndGet();
                    }
                    return null;
                });
            }
            long lastPrint = System.nanoTime();
            for (Future<?> w : workers) {
                while (!w.isDone()) {
                    Thread.sleep(200);
                    if (System.nanoTime() - lastPrint > 5_000_000_000L) {
                        lastPrint = System.nanoTime();
                        int d = done.get();
                        System.out.printf("  creating adapters: %,d of %,d (%.0f/s)%n", d, n,
                                (d - have) / ((System.nanoTime() - start) / 1e9));
                    }
                }
                w.get();
            }
            Files.writeString(root.resolve(READY), Integer.toString(n));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the sweep's adapters", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot create the sweep's adapters: " + e.getCause(), e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("  created %,d adapters in %.0f s (%s on disk)%n", n - have,
                (System.nanoTime() - start) / 1e9, root);
    }

    /** How many adapters a previous run finished (0 if none). */
    private static int created(Path root) {
        try {
            Path ready = root.resolve(READY);
            return Files.isRegularFile(ready) ? Integer.parseInt(Files.readString(ready).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The resident set now, for the progress lines. */
    static String rssMb() {
        return String.format("%.0f MB", TrainingBenchSupport.rssBytes() / 1048576.0);
    }
}
