package ai.mint.engine.bench;

import ai.mint.common.bench.ProgressTicker;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The work of {@code mint bench engine}: a set of distinct adapters on disk, and runs of fixed-size batches whose
 * row r always has the same prompt while the adapter of each row depends on the variant. Also the check that a row
 * gives the same greedy tokens in a mixed batch as in a batch of its adapter alone.
 *
 * @param rows           rows per batch (the fixed batch size)
 * @param batchesPerRun  batches in one timed run
 * @param newTokens      greedy tokens generated per row
 */
record EngineWorkload(int rows, int batchesPerRun, int newTokens) {

    static final int PROMPT_LENGTH = 16;

    int rowsPerRun() {
        return rows * batchesPerRun;
    }

    int tokensPerRun() {
        return rowsPerRun() * newTokens;
    }

    /** Adapter ids {@code a0 .. a(count-1)}: distinct seeds, so a row served by the wrong slot would show. */
    static String id(int i) {
        return "a" + i;
    }

    /**
     * Makes sure {@code count} distinct rank-{@code rank} adapters (all 7 projections) exist under {@code dir},
     * writing the missing ones (kept between runs: the first full run writes about 2 GB).
     */
    static void ensureAdapters(ModelConfig c, Path dir, int count, int rank) {
        AtomicInteger done = new AtomicInteger();
        try (ProgressTicker t = ProgressTicker.start("engine: adapters on disk", () -> done + " of " + count)) {
            for (int i = 0; i < count; i++) {
                Path a = dir.resolve(id(i));
                if (!Files.isRegularFile(a.resolve(PeftAdapterIo.CONFIG))) { // the config is written last
                    PeftAdapterIo.write(a, LoraWeights.random(c, EnumSet.allOf(Projection.class), rank, 2f * rank,
                            1000L + i, true), c);
                }
                done.incrementAndGet();
            }
        }
    }

    /** Registers and loads every adapter onto the device, so that no timed run loads any. */
    static void loadAll(LoraEngine e, Path dir, int count) {
        AtomicInteger done = new AtomicInteger();
        try (ProgressTicker t = ProgressTicker.start("engine: loading adapters", () -> done + " of " + count)) {
            for (int i = 0; i < count; i++) {
                e.registerAdapter(id(i), dir.resolve(id(i)));
                e.prefetch(id(i)).join();
                done.incrementAndGet();
            }
        }
    }

    /** The batches of one run; row g of the run (0-based over its batches) uses {@code adapterOfRow(g)}. */
    List<List<GenerationRequest>> run(IntFunction<String> adapterOfRow) {
        List<List<GenerationRequest>> batches = new ArrayList<>();
        for (int b = 0; b < batchesPerRun; b++) {
            List<GenerationRequest> batch = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                batch.add(new GenerationRequest(adapterOfRow.apply(b * rows + r), prompt(r),
                        GenerationParams.greedy(newTokens)));
            }
            batches.add(batch);
        }
        return batches;
    }

    /**
     * Row g's adapter when {@code distinct} adapters share the batches: they cycle over the rows; when there are more
     * adapters than rows in a run, each run starts where the previous one stopped, so the runs go through all.
     */
    IntFunction<String> mixed(int distinct, int sequence) {
        int offset = distinct > rowsPerRun() ? sequence * rowsPerRun() : 0;
        return g -> id((offset + g) % distinct);
    }

    /** Generates every batch; returns the tokens generated (the same for every variant: no stop tokens). */
    static int generate(LoraEngine e, List<List<GenerationRequest>> batches) {
        int tokens = 0;
        for (List<GenerationRequest> batch : batches) {
            for (GenerationResult r : e.generate(batch)) {
                tokens += r.tokens().length;
            }
        }
        return tokens;
    }

    /**
     * Fails loudly unless every row of {@code mixed} gives the same greedy tokens as in a batch of the rows of its
     * adapter alone, and the rows of {@code single}'s adapter the same as in {@code single} (same batch size).
     * Returns the number of rows compared.
     */
    static int checkSameTokens(LoraEngine e, List<GenerationRequest> mixed, List<GenerationRequest> single) {
        List<GenerationResult> together = e.generate(mixed);
        Map<String, List<Integer>> rowsOf = new LinkedHashMap<>();
        for (int r = 0; r < mixed.size(); r++) {
            rowsOf.computeIfAbsent(mixed.get(r).adapterId(), k -> new ArrayList<>()).add(r);
        }
        int compared = 0;
        for (Map.Entry<String, List<Integer>> group : rowsOf.entrySet()) {
            List<GenerationResult> alone = e.generate(group.getValue().stream().map(mixed::get).toList());
            for (int k = 0; k < alone.size(); k++) {
                int row = group.getValue().get(k);
                compare(together.get(row), alone.get(k), row, group.getKey(), "a batch of its rows alone");
                compared++;
            }
        }
        List<GenerationResult> whole = e.generate(single);
        String only = single.get(0).adapterId();
        for (int r = 0; r < mixed.size(); r++) {
            if (only.equals(mixed.get(r).adapterId())) {
                compare(together.get(r), whole.get(r), r, only, "the single-adapter batch");
                compared++;
            }
        }
        return compared;
    }

    private static void compare(GenerationResult mixed, GenerationResult other, int row, String adapter, String where) {
        if (!Arrays.equals(mixed.tokens(), other.tokens())) {
            throw new IllegalStateException("row " + row + " (adapter " + adapter + ") generated "
                    + Arrays.toString(mixed.tokens()) + " in the mixed batch but " + Arrays.toString(other.tokens())
                    + " in " + where + ": mixed batching changed the output");
        }
    }

    /** Row r's prompt: the same in every batch and variant. */
    private int[] prompt(int r) {
        int[] p = new int[PROMPT_LENGTH];
        for (int t = 0; t < p.length; t++) {
            p[t] = (r * 31 + t * 7 + 3) % 256;
        }
        return p;
    }
}
