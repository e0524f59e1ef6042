package ai.mint.engine.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.bench.ProgressTicker;
import ai.mint.common.bench.Stats;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mint bench engine}: S-LoRA's question, what heterogeneity costs. At a fixed batch size, generated tokens/s
 * of batches whose rows use N distinct adapters (N = 1, 32, 1,000 resident adapters) against batches of the same
 * size and prompts that use one adapter, and against the base alone. Before timing, it checks that a row gives the
 * same greedy tokens in a mixed batch as with its adapter alone, and fails if not.
 */
@Command(name = "engine", description = "Mixed-adapter batches vs one adapter vs the base alone, tokens/s at a fixed batch size.")
public final class EngineBenchmark implements MintBenchmark, Callable<Integer> {

    static final String BASE = "base alone";
    static final String SINGLE = "1 adapter";
    static final int[] DISTINCT = {1, 32, 1000};
    static final int RANK = 4;

    @Option(names = "--quick", description = "Tiny base, batch 32, 4 new tokens (about a minute).")
    boolean quick;

    static String mixed(int distinct) {
        return "mixed " + distinct;
    }

    @Override
    public Integer call() {
        ModelConfig c = BenchSupport.config(quick, false);
        // one batch per run and many rounds: short runs, finely interleaved, ride out load bursts of other processes;
        // quick 32 runs x 32 rows, full 16 runs x 64 rows: either way the runs of "mixed 1000" use every adapter
        EngineWorkload work = quick ? new EngineWorkload(32, 1, 4) : new EngineWorkload(64, 1, 8);
        int adapters = DISTINCT[DISTINCT.length - 1];
        Path dir = BenchSupport.workDir("engine-adapters-" + (quick ? "tiny" : "small") + "-r" + RANK);
        EngineWorkload.ensureAdapters(c, dir, adapters, RANK);
        long adapterBytes = LoraWeights.random(c, EnumSet.allOf(Projection.class), RANK, 1f, 0, false).byteSize();
        long budget = adapterBytes * adapters + (64L << 20);
        // a small CPU tier: every adapter is on the device
        EngineConfig config = EngineConfig.of(BenchSupport.base(quick, false)).withAdapterBudget(budget)
                .withCpuCache(64L << 20);
        BenchResult result;
        int checkedRows = 0;
        long loadsDuringRuns;
        int resident;
        long residentBytes;
        try (LoraEngine e = LoraEngine.open(config)) {
            EngineWorkload.loadAll(e, dir, adapters);
            try (ProgressTicker t = ProgressTicker.start("engine: same-tokens check", () -> "mixed vs alone")) {
                for (int n : DISTINCT) {
                    checkedRows += EngineWorkload.checkSameTokens(e, work.run(work.mixed(n, 0)).get(0),
                            work.run(g -> EngineWorkload.id(0)).get(0));
                }
            }
            BenchRun run = BenchRun.of("engine").warmUps(1).rounds(quick ? 31 : 15)
                    .variant(BASE, s -> timed(e, work, s, work.run(g -> null)))
                    .variant(SINGLE, s -> timed(e, work, s, work.run(g -> EngineWorkload.id(0))));
            for (int n : DISTINCT) {
                run.variant(mixed(n), s -> timed(e, work, s, work.run(work.mixed(n, s.sequence()))));
            }
            long loadsBefore = e.adapterLoads();
            result = run.run();
            loadsDuringRuns = e.adapterLoads() - loadsBefore;
            resident = e.residentAdapters().size();
            residentBytes = e.residentAdapterBytes();
        }
        publish(result, work, checkedRows, loadsDuringRuns, resident, residentBytes);
        return 0;
    }

    /** One run: the batches are built before the clock starts; only generation is timed. */
    private static void timed(LoraEngine e, EngineWorkload work, ai.mint.common.bench.Sample s,
                              java.util.List<java.util.List<ai.mint.engine.GenerationRequest>> batches) throws Exception {
        int[] tokens = {0};
        s.time("generate", () -> tokens[0] = EngineWorkload.generate(e, batches));
        if (tokens[0] != work.tokensPerRun()) {
            throw new IllegalStateException("a run generated " + tokens[0] + " tokens, not " + work.tokensPerRun());
        }
    }

    private void publish(BenchResult result, EngineWorkload work, int checkedRows, long loadsDuringRuns, int resident,
                         long residentBytes) {
        Map<String, Stats> tokensPerSecond = new LinkedHashMap<>();
        result.variants().forEach((v, r) -> tokensPerSecond.put(v,
                r.total().map("tokens/s", ms -> work.tokensPerRun() / (ms / 1e3))));
        double single = tokensPerSecond.get(SINGLE).median();
        double base = tokensPerSecond.get(BASE).median();
        BenchReport report = new BenchReport("engine", "generated tokens/s, batch of " + work.rows() + " rows, "
                + work.newTokens() + " greedy tokens after a " + EngineWorkload.PROMPT_LENGTH + "-token prompt, rank "
                + RANK + " adapters on all 7 projections, " + (quick ? "tiny" : "small") + " dense base")
                .columns("variant", "distinct adapters per batch", "median tok/s", "min tok/s", "max tok/s",
                        "/ 1 adapter", "/ base alone");
        report.variants(result);
        tokensPerSecond.forEach((v, s) -> {
            report.row(v, distinctPerBatch(v, work.rows()), s.median(), s.min(), s.max(), s.median() / single,
                    s.median() / base);
            report.derived(v, "tokens_per_s", s);
        });
        for (int n : DISTINCT) {
            report.figure("mixed_" + n + "_over_single", tokensPerSecond.get(mixed(n)).median() / single);
        }
        report.figure("single_over_base", single / base);
        report.figure("tokens_per_run", work.tokensPerRun());
        report.figure("rows_checked_same_tokens", checkedRows);
        report.figure("resident_adapters", resident);
        report.figure("resident_adapter_bytes", residentBytes);
        report.figure("adapter_loads_during_timed_runs", loadsDuringRuns);
        int most = DISTINCT[DISTINCT.length - 1];
        report.ratio(tokensPerSecond.get(mixed(most)).median() / single,
                "tokens/s of batches mixing " + most + " resident adapters over tokens/s of one adapter (medians)");
        report.note("every variant generates the same rows with the same prompts; 'mixed 1' is the same work as "
                + "'1 adapter' and shows the noise; with more adapters than rows, each run continues where the last "
                + "one stopped, so the runs go through all " + most + " adapters (every batch holding " + work.rows()
                + " distinct ones)");
        report.note("all adapters are resident before timing (no loads during the runs); each batch stacks its rows' "
                + "adapters into one bank and every projection adds a gathered x@A@B per row");
        report.publish();
    }

    private static int distinctPerBatch(String variant, int rows) {
        if (variant.equals(BASE)) {
            return 0;
        }
        if (variant.equals(SINGLE)) {
            return 1;
        }
        return Math.min(rows, Integer.parseInt(variant.substring("mixed ".length())));
    }
}
