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

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;

/**
 * {@code mint bench moe-load}: loading the same MoE LoRA adapter into a live engine from PEFT's per-expert tensors
 * vs the packed layout (one [E, in, r] / [E, r, out] pair per layer and projection).
 */
@Command(name = "moe-load", description = "Packed vs per-expert MoE LoRA load into a live engine.")
public final class MoeLoadBenchmark implements MintBenchmark, Callable<Integer> {

    @Option(names = "--quick", description = "Tiny MoE base, fewer repetitions.")
    boolean quick;

    @Override
    public Integer call() {
        ModelConfig c = BenchSupport.config(quick, true);
        Path work = BenchSupport.workDir("moe-load" + (quick ? "-quick" : ""));
        int runs = quick ? 5 : 9;
        LoraWeights w = LoraWeights.random(c, EnumSet.allOf(Projection.class), 8, 16f, 3, true);
        PeftAdapterIo.write(work.resolve("per-expert"), w, c, false);
        PeftAdapterIo.write(work.resolve("packed"), w, c, true);
        BenchReport report = new BenchReport("moe-load", "MoE LoRA (rank 8, " + c.numExperts() + " experts x "
                + c.numLayers() + " layers) into a live engine").columns("layout", "tensors", "load ms");
        double perExpert;
        double packed;
        try (LoraEngine e = LoraEngine.open(EngineConfig.of(BenchSupport.base(quick, true)))) {
            perExpert = time(e, work.resolve("per-expert"), runs);
            packed = time(e, work.resolve("packed"), runs);
        }
        int keys = c.numLayers() * 7;
        int expertKeys = c.numLayers() * 3;
        report.row("per-expert (PEFT)", 2 * (keys - expertKeys + expertKeys * c.numExperts()), perExpert);
        report.row("packed", 2 * keys, packed);
        report.ratio(perExpert / packed, "per-expert load time over packed load time");
        report.paperRatio(8.6, "8.5-8.7x, MoE policies on the MinT cluster");
        report.note("both layouts decode to identical weights (PeftAdapterIoTest); the gap is tensor count and"
                + " the per-expert transposes");
        report.publish();
        return 0;
    }

    private static double time(LoraEngine e, Path dir, int runs) {
        return BenchSupport.medianMillis(runs, () -> {
            e.evictAdapter("moe");
            e.registerAdapter("moe", dir);
            long t = System.nanoTime();
            e.prefetch("moe").join();
            return System.nanoTime() - t;
        });
    }
}
