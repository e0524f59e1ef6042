package ai.mint.engine.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;

/**
 * {@code mint bench adapter-load}: time to bring a rank 1, 8 or 64 PEFT adapter from its files onto the device of a
 * live engine, in bytes/s beside a plain read of the same file; also the size of a rank-1 adapter relative to its
 * base (MinT: under 1%).
 */
@Command(name = "adapter-load", description = "Adapter load time by rank vs a plain file read.")
public final class AdapterLoadBenchmark implements MintBenchmark, Callable<Integer> {

    @Option(names = "--quick", description = "Tiny base, fewer repetitions.")
    boolean quick;

    @Override
    public Integer call() {
        ModelConfig c = BenchSupport.config(quick, false);
        Path base = BenchSupport.base(quick, false);
        Path work = BenchSupport.workDir("adapter-load" + (quick ? "-quick" : ""));
        int runs = quick ? 5 : 9;
        BenchReport report = new BenchReport("adapter-load", "PEFT adapter -> device slot of a live engine")
                .columns("rank", "file MB", "load ms", "load MB/s", "plain read MB/s", "load/read time");
        double rank1Ratio = 0;
        try (LoraEngine e = LoraEngine.open(EngineConfig.of(base))) {
            for (int rank : new int[] {1, 8, 64}) {
                LoraWeights w = LoraWeights.random(c, EnumSet.allOf(Projection.class), rank, 2f * rank, rank, true);
                Path dir = work.resolve("r" + rank);
                PeftAdapterIo.write(dir, w, c);
                Path file = dir.resolve(PeftAdapterIo.WEIGHTS);
                double loadMs = BenchSupport.medianMillis(runs, () -> {
                    e.evictAdapter("x");
                    e.registerAdapter("x", dir); // drops the CPU-tier copy: every load parses the file
                    long t = System.nanoTime();
                    e.prefetch("x").join();
                    return System.nanoTime() - t;
                });
                double readMs = BenchSupport.medianMillis(runs, () -> {
                    long t = System.nanoTime();
                    try {
                        Files.readAllBytes(file);
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                    return System.nanoTime() - t;
                });
                double mb = file.toFile().length() / 1e6;
                report.row(rank, mb, loadMs, mb / (loadMs / 1e3), mb / (readMs / 1e3), loadMs / readMs);
                if (rank == 1) {
                    rank1Ratio = (double) file.toFile().length() / base.resolve("model.safetensors").toFile().length();
                }
            }
        }
        report.figure("rank1_adapter_over_base_percent", rank1Ratio * 100);
        report.figure("paper_rank1_over_base_percent", "< 1");
        report.ratio(rank1Ratio, "rank-1 adapter file bytes over base checkpoint bytes");
        report.note((quick ? "tiny" : "small") + " dense base, LoRA on all 7 projections, float32 files");
        report.publish();
        return 0;
    }
}
