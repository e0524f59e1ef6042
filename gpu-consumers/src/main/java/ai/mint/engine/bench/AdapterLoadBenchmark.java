package ai.mint.engine.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;

/**
 * {@code mint bench adapter-load}: time to bring a rank 1, 8 or 64 PEFT adapter from its files onto the device of a
 * live engine, beside a plain read of the same file; also the size of a rank-1 adapter relative to its base
 * (MinT: under 1%).
 */
@Command(name = "adapter-load", description = "Adapter load time by rank vs a plain file read.")
public final class AdapterLoadBenchmark implements MintBenchmark, Callable<Integer> {

    private static final int[] RANKS = {1, 8, 64};

    @Option(names = "--quick", description = "Tiny base (seconds).")
    boolean quick;

    @Override
    public Integer call() {
        ModelConfig c = BenchSupport.config(quick, false);
        Path base = BenchSupport.base(quick, false);
        Path work = BenchSupport.workDir("adapter-load" + (quick ? "-quick" : ""));
        BenchResult result;
        try (LoraEngine e = LoraEngine.open(EngineConfig.of(base))) {
            BenchRun run = BenchRun.of("adapter-load").warmUps(2).rounds(15);
            for (int rank : RANKS) {
                LoraWeights w = LoraWeights.random(c, EnumSet.allOf(Projection.class), rank, 2f * rank, rank, true);
                Path dir = work.resolve("r" + rank);
                PeftAdapterIo.write(dir, w, c);
                run.variant(load(rank), s -> {
                    e.evictAdapter("x");
                    e.registerAdapter("x", dir); // drops the CPU-tier copy: every load parses the file
                    s.time("load", () -> e.prefetch("x").join());
                });
                run.variant(read(rank), s -> s.time("read", () -> Files.readAllBytes(dir.resolve(PeftAdapterIo.WEIGHTS))));
            }
            result = run.run();
        }
        BenchReport report = new BenchReport("adapter-load", "PEFT adapter -> device of a live engine, "
                + (quick ? "tiny" : "small") + " dense base, LoRA on all 7 projections, float32 files")
                .columns("rank", "file MB", "load ms", "load MB/s", "plain read MB/s", "load/read time");
        for (int rank : RANKS) {
            double mb = work.resolve("r" + rank).resolve(PeftAdapterIo.WEIGHTS).toFile().length() / 1e6;
            double loadMs = result.variant(load(rank)).total().median();
            double readMs = result.variant(read(rank)).total().median();
            report.row(rank, mb, loadMs, mb / (loadMs / 1e3), mb / (readMs / 1e3), loadMs / readMs);
        }
        report.variants(result);
        double rank1 = (double) work.resolve("r1").resolve(PeftAdapterIo.WEIGHTS).toFile().length()
                / base.resolve(CheckpointFiles.SINGLE).toFile().length();
        report.figure("rank1_adapter_over_base_percent", rank1 * 100);
        report.figure("paper_rank1_over_base_percent", "< 1");
        report.ratio(rank1, "rank-1 adapter file bytes over base checkpoint bytes");
        report.note("medians of " + result.rounds() + " runs; a load parses the file, transposes to compute layout in "
                + "Java and uploads; the plain read is the same file read into memory");
        report.publish();
        return 0;
    }

    private static String load(int rank) {
        return "load rank " + rank;
    }

    private static String read(int rank) {
        return "read rank " + rank;
    }
}
