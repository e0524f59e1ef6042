package ai.mint.engine.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.MergedWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mint bench handoff}: handing a new policy revision from the trainer to a warm sampler engine, as an adapter
 * (write the PEFT files, replace the adapter in the sampler) or as a merged checkpoint (merge {@code W + s*A B} on
 * the device from the trainer's resident base, write the full checkpoint with the same writer, swap its weights
 * into the sampler, which stays open). Merge, write and load are timed apart; the ratio is of the totals.
 */
@Command(name = "handoff", description = "Adapter-only vs merged-checkpoint revision handoff into a warm engine.")
public final class HandoffBenchmark implements MintBenchmark, Callable<Integer> {

    static final String ADAPTER_ONLY = "adapter only";
    static final String MERGED = "merged checkpoint";
    private static final String POLICY = "policy";

    @Option(names = "--quick", description = "Tiny base (seconds).")
    boolean quick;

    @Override
    public Integer call() {
        ModelConfig c = BenchSupport.config(quick, false);
        Path base = BenchSupport.base(quick, false);
        Path work = BenchSupport.workDir("handoff" + (quick ? "-quick" : ""));
        LoraWeights revision = LoraWeights.random(c, EnumSet.allOf(Projection.class), 8, 16f, 5, true);
        Path mergedDir = work.resolve("merged");
        BenchResult result;
        double sameTokens;
        // two engines, as two processes would be: the trainer holds the base the merge starts from, the sampler serves
        try (LoraEngine trainer = LoraEngine.open(EngineConfig.of(base));
             LoraEngine sampler = LoraEngine.open(EngineConfig.of(base))) {
            PeftAdapterIo.write(work.resolve("adapter-0"), revision, c);
            sampler.registerAdapter(POLICY, work.resolve("adapter-0"));
            sampler.prefetch(POLICY).join();
            result = BenchRun.of("handoff").warmUps(1).rounds(quick ? 9 : 7)
                    .variant(ADAPTER_ONLY, s -> {
                        Path dir = work.resolve("adapter-" + (s.sequence() % 2)); // never overwrite the serving files
                        s.time("write", () -> PeftAdapterIo.write(dir, revision, c));
                        s.time("load", () -> sampler.replaceAdapter(POLICY, dir));
                    })
                    .variant(MERGED, s -> {
                        MergedWeights merged = s.timed("merge", () -> trainer.mergeAdapter(revision));
                        try {
                            s.time("write", () -> merged.write(mergedDir));
                        } finally {
                            merged.close();
                        }
                        s.time("load", () -> sampler.replaceBase(mergedDir));
                    })
                    .run();
            sameTokens = agreement(trainer, work.resolve("adapter-0"), sampler);
        }
        BenchResult.VariantResult adapter = result.variant(ADAPTER_ONLY);
        BenchResult.VariantResult merged = result.variant(MERGED);
        long adapterBytes = work.resolve("adapter-0").resolve(PeftAdapterIo.WEIGHTS).toFile().length();
        long mergedBytes = mergedDir.resolve(CheckpointFiles.SINGLE).toFile().length();
        BenchReport report = new BenchReport("handoff", "new revision (rank 8, all projections) into a warm sampler, "
                + (quick ? "tiny" : "small") + " dense base; medians of " + result.rounds() + " runs")
                .columns("path", "bytes written", "merge ms", "write ms", "load ms", "total ms")
                .row(ADAPTER_ONLY + " (write PEFT, replace adapter)", adapterBytes, 0.0,
                        adapter.part("write").median(), adapter.part("load").median(), adapter.total().median())
                .row(MERGED + " (merge on device, write, swap base)", mergedBytes, merged.part("merge").median(),
                        merged.part("write").median(), merged.part("load").median(), merged.total().median())
                .variants(result);
        report.figure("adapter_bytes", adapterBytes);
        report.figure("merged_bytes", mergedBytes);
        report.figure("merged_sampler_same_tokens_as_adapter", sameTokens);
        report.ratio(result.ratioOfMedians(MERGED, ADAPTER_ONLY),
                "merged handoff total over adapter-only handoff total (medians)");
        report.note("the MinT paper's 18.3x (4B dense) is the ratio of whole RL steps, not of the handoff alone; "
                + "`mint bench rl-step-handoff` is the benchmark to set beside it");
        report.note("merge = upload the adapter and W + s*A@B on the device (no second read of the base); write = "
                + "device-to-host copy of every tensor and the safetensors file; load = read the file and overwrite "
                + "the sampler's base in place (the sampler stays open)");
        report.note("the merged path grows with base size, the adapter path with rank: our base is "
                + (quick ? "~1M" : "63M") + " parameters, the paper's 4B");
        report.publish();
        return 0;
    }

    /**
     * Share of rows whose greedy tokens agree between the sampler on the merged base alone and the trainer serving
     * the same revision as an adapter: both compute base + adapter, one folded into the weights.
     */
    private static double agreement(LoraEngine trainer, Path adapterDir, LoraEngine sampler) {
        trainer.registerAdapter(POLICY, adapterDir);
        List<GenerationRequest> viaAdapter = new ArrayList<>();
        List<GenerationRequest> viaMerge = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            int[] prompt = {3 + r, 50 + 7 * r, 101, 9, 200 - r};
            viaAdapter.add(new GenerationRequest(POLICY, prompt, GenerationParams.greedy(6)));
            viaMerge.add(new GenerationRequest(null, prompt, GenerationParams.greedy(6)));
        }
        List<GenerationResult> a = trainer.generate(viaAdapter);
        List<GenerationResult> m = sampler.generate(viaMerge);
        int same = 0;
        for (int r = 0; r < a.size(); r++) {
            same += Arrays.equals(a.get(r).tokens(), m.get(r).tokens()) ? 1 : 0;
        }
        return (double) same / a.size();
    }
}
