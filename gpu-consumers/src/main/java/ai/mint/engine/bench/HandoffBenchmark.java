package ai.mint.engine.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.lora.LoraMerger;
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
 * {@code mint bench handoff}: handing a new policy revision from trainer to sampler as an adapter (write PEFT files,
 * swap into the live engine) vs as a merged checkpoint (merge W + scale*B*A, write the full model, load it).
 */
@Command(name = "handoff", description = "Adapter-only vs merged-checkpoint revision handoff.")
public final class HandoffBenchmark implements MintBenchmark, Callable<Integer> {

    @Option(names = "--quick", description = "Tiny base, fewer repetitions.")
    boolean quick;

    @Override
    public Integer call() {
        ModelConfig c = BenchSupport.config(quick, false);
        Path base = BenchSupport.base(quick, false);
        Path work = BenchSupport.workDir("handoff" + (quick ? "-quick" : ""));
        int runs = 3;
        LoraWeights revision = LoraWeights.random(c, EnumSet.allOf(Projection.class), 8, 16f, 5, true);
        double adapterMs;
        double mergedMs;
        try (LoraEngine e = LoraEngine.open(EngineConfig.of(base))) {
            PeftAdapterIo.write(work.resolve("rev0"), revision, c);
            e.registerAdapter("policy", work.resolve("rev0"));
            e.prefetch("policy").join();
            int[] n = {0};
            adapterMs = BenchSupport.medianMillis(runs, () -> {
                long t = System.nanoTime();
                Path dir = work.resolve("rev" + (++n[0] % 2));
                PeftAdapterIo.write(dir, revision, c);
                e.replaceAdapter("policy", dir);
                return System.nanoTime() - t;
            });
        }
        mergedMs = BenchSupport.medianMillis(runs, () -> {
            long t = System.nanoTime();
            Path merged = work.resolve("merged");
            LoraMerger.mergeToDirectory(base, c, revision, merged);
            LoraEngine.open(EngineConfig.of(merged)).close();
            return System.nanoTime() - t;
        });
        long adapterBytes = work.resolve("rev0").resolve(PeftAdapterIo.WEIGHTS).toFile().length();
        long mergedBytes = work.resolve("merged").resolve("model.safetensors").toFile().length();
        BenchReport report = new BenchReport("handoff", "new revision to the sampler, rank 8 on all projections")
                .columns("path", "bytes moved", "handoff ms")
                .row("adapter only (write PEFT, replace slot)", adapterBytes, adapterMs)
                .row("merged checkpoint (merge, write, load)", mergedBytes, mergedMs);
        report.ratio(mergedMs / adapterMs, "merged handoff time over adapter-only handoff time");
        report.paperRatio(18.3, "4B dense");
        report.note((quick ? "tiny" : "small") + " dense base; the paper's base is ~50x larger than ours, and the"
                + " merged path grows with base size while the adapter path grows with rank");
        report.publish();
        return 0;
    }
}
