package ai.mint.engine.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.generate.BaseGeneration;
import ai.mint.engine.generate.ContinuousGenerator;
import ai.mint.engine.model.Architecture;
import ai.mint.engine.model.ByteLevelTokenizerFile;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.model.MoeCompute;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code mint bench moe-compute}: tokens/s of MoE bases with sparse expert compute (only the chosen experts) vs
 * dense-masked (every expert on every token), same weights, same tokens, for a prefill forward and for cached greedy
 * decoding. The headline is the DeepSeek-style small base, 64 experts top-8 (E/k = 8; goal: at least half of it).
 */
@Command(name = "moe-compute", description = "Sparse vs dense-masked MoE expert compute (tokens/s).")
public final class MoeComputeBenchmark implements MintBenchmark, Callable<Integer> {

    @Option(names = "--quick", description = "Tiny bases (16 experts top-4, 4 top-2), fewer tokens (about a minute).")
    boolean quick;

    @Option(names = "--threads", description = "PyTorch intra-op threads (1 is steadier on a busy machine)."
            + " Default: ${DEFAULT-VALUE}.")
    int threads = EngineConfig.DEFAULT_THREADS;

    private record Case(ModelPreset preset, Architecture arch) {
    }

    @Override
    public Integer call() {
        ModelPreset preset = quick ? ModelPreset.TINY : ModelPreset.SMALL;
        List<Case> cases = List.of(new Case(preset, Architecture.DEEPSEEK_V3), new Case(preset, Architecture.QWEN2_MOE));
        int runs = quick ? 5 : 7;
        PairedTimer timer = new PairedTimer("moe-compute", 1, runs);
        BenchReport report = new BenchReport("moe-compute", "MoE tokens/s, sparse vs dense-masked experts, "
                + (quick ? "tiny" : "small") + " bases on the CPU")
                .columns("base", "experts", "work", "sparse tok/s", "dense tok/s", "sparse/dense",
                        "sparse ms med [min-max]", "dense ms med [min-max]");
        double headline = 0;
        double goal = 0;
        for (Case k : cases) {
            ModelConfig c = k.preset().config(k.arch());
            String experts = c.numExperts() + " top-" + c.numExpertsPerTok();
            EngineConfig config = EngineConfig.of(BenchSupport.base(k.preset(), k.arch())).withThreads(threads);
            try (LoraEngine e = LoraEngine.open(config)) {
                DecoderModel sparse = new DecoderModel(e.model().base(), MoeCompute.SPARSE);
                DecoderModel dense = new DecoderModel(e.model().base(), MoeCompute.DENSE_MASKED);
                int rows = quick ? 4 : 8;
                int length = quick ? 32 : 64;
                long[] tokens = tokens(rows * length, 1);
                String what = k.arch().cliName() + " prefill " + rows + "x" + length;
                PairedTimer.Stats[] prefill = timer.measure(what, () -> prefill(sparse, tokens, rows, length),
                        () -> prefill(dense, tokens, rows, length));
                double ratio = prefill[1].medianMs() / prefill[0].medianMs();
                report.row(k.arch().cliName(), experts, "prefill " + rows + "x" + length,
                        rows * length / (prefill[0].medianMs() / 1e3), rows * length / (prefill[1].medianMs() / 1e3),
                        ratio, prefill[0].range(), prefill[1].range());
                if (k.arch() == Architecture.DEEPSEEK_V3) {
                    headline = ratio;
                    goal = c.numExperts() / (2.0 * c.numExpertsPerTok());
                }
                int decodeRows = quick ? 8 : 16;
                int newTokens = quick ? 8 : 16;
                List<int[]> prompts = prompts(decodeRows, 16);
                String decode = k.arch().cliName() + " decode " + decodeRows + " rows x " + newTokens;
                PairedTimer.Stats[] gen = timer.measure(decode, () -> decode(sparse, prompts, newTokens),
                        () -> decode(dense, prompts, newTokens));
                double generated = (double) decodeRows * newTokens;
                report.row(k.arch().cliName(), experts, "decode " + decodeRows + " rows x " + newTokens,
                        generated / (gen[0].medianMs() / 1e3), generated / (gen[1].medianMs() / 1e3),
                        gen[1].medianMs() / gen[0].medianMs(), gen[0].range(), gen[1].range());
                report.figure(k.arch().cliName().replace('-', '_') + "_auto_compute",
                        MoeCompute.AUTO.resolve(c).name().toLowerCase());
            }
        }
        report.ratio(headline, "dense-masked prefill time over sparse, DeepSeek-V3-style base");
        report.figure("goal_ratio", goal);
        report.figure("paper_figure", "none (the paper reports no expert-compute speed-up)");
        report.note("same weights and tokens on both sides; order alternated; 1 warm-up then " + runs
                + " timed runs, median [min-max] in ms; " + threads + " PyTorch thread(s)");
        report.figure("threads", threads);
        report.note("E/k is the most sparse compute can save on the expert FLOPs; attention, routing, the shared"
                + " expert and the host-side grouping of tokens by expert are paid by both");
        report.note("decode batches few tokens per expert, so sparse runs many small matmuls there: its advantage is"
                + " smaller than in prefill");
        report.publish();
        return 0;
    }

    /** One forward over [rows, length] tokens; returns its nanoseconds. */
    private static long prefill(DecoderModel model, long[] tokens, int rows, int length) {
        try (NDManager m = model.base().manager().newSubManager()) {
            long[] pos = new long[tokens.length];
            for (int i = 0; i < pos.length; i++) {
                pos[i] = i % length;
            }
            NDArray t = m.create(tokens, new Shape(rows, length));
            NDArray p = m.create(pos, new Shape(rows, length));
            long start = System.nanoTime();
            NDArray logits = model.forward(t, p, null, null, null);
            logits.get(new NDIndex(":, -1, :")).toFloatArray(); // wait for the result on the host
            return System.nanoTime() - start;
        }
    }

    private static long decode(DecoderModel model, List<int[]> prompts, int newTokens) {
        // the whole batch prefilled at once, as one forward
        ContinuousGenerator.Settings once = new ContinuousGenerator.Settings(Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE);
        List<GenerationParams> greedy = Collections.nCopies(prompts.size(), GenerationParams.greedy(newTokens));
        long start = System.nanoTime();
        BaseGeneration.generate(model, ByteLevelTokenizerFile.PAD, once, prompts, greedy);
        return System.nanoTime() - start;
    }

    private static long[] tokens(int n, long seed) {
        Random r = new Random(seed);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(256);
        }
        return t;
    }

    private static List<int[]> prompts(int rows, int length) {
        List<int[]> out = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < rows; i++) {
            int[] p = new int[length];
            for (int j = 0; j < length; j++) {
                p[j] = r.nextInt(256);
            }
            out.add(p);
        }
        return out;
    }
}
