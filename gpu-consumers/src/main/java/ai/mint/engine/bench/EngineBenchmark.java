package ai.mint.engine.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mint bench engine}: generated tokens/s for a batch of 32 rows whose rows use 1, 32 or 1,000 distinct
 * adapters (1,000 = the batches cycle through 1,000 resident adapters), one batched forward vs one call per adapter.
 */
@Command(name = "engine", description = "Batched multi-adapter generation vs a loop over adapters.")
public final class EngineBenchmark implements MintBenchmark, Callable<Integer> {

    @Option(names = "--quick", description = "Tiny base and fewer adapters (well under a minute).")
    boolean quick;

    @Override
    public Integer call() {
        boolean q = quick;
        ModelConfig c = BenchSupport.config(q, false);
        int batch = 32;
        int newTokens = q ? 4 : 8;
        int manyAdapters = q ? 100 : 1000;
        Path work = BenchSupport.workDir("engine-adapters" + (q ? "-quick" : ""));
        BenchReport report = new BenchReport("engine", "tokens/s, batch " + batch + ", rank 8 on q,k,v,o,gate,up,down")
                .columns("distinct adapters", "batched tok/s", "looped tok/s", "batched/looped");
        double ratioAt32 = 0;
        try (LoraEngine e = LoraEngine.open(EngineConfig.of(BenchSupport.base(q, false)).withAdapterBudget(8L << 30))) {
            LoraWeights proto = LoraWeights.random(c, EnumSet.allOf(Projection.class), 8, 16f, 1, true);
            PeftAdapterIo.write(work.resolve("proto"), proto, c);
            for (int i = 0; i < manyAdapters; i++) {
                // same weights under many ids: what matters here is distinct slots, not distinct values
                e.registerAdapter("a" + i, work.resolve("proto"));
            }
            for (int distinct : new int[] {1, 32, manyAdapters}) {
                int batches = distinct == manyAdapters ? Math.max(1, manyAdapters / batch) : (q ? 2 : 3);
                List<List<GenerationRequest>> work2 = new ArrayList<>();
                for (int b = 0; b < batches; b++) {
                    List<GenerationRequest> rows = new ArrayList<>();
                    for (int r = 0; r < batch; r++) {
                        int id = (b * batch + r) % distinct;
                        int[] prompt = new int[16];
                        for (int t = 0; t < prompt.length; t++) {
                            prompt[t] = (id * 31 + t * 7) % 256;
                        }
                        rows.add(new GenerationRequest("a" + id, prompt, GenerationParams.greedy(newTokens)));
                    }
                    work2.add(rows);
                }
                work2.forEach(e::generate); // warm-up + makes every adapter resident
                long t0 = System.nanoTime();
                work2.forEach(e::generate);
                double batchedSec = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                for (List<GenerationRequest> rows : work2) {
                    Map<String, List<GenerationRequest>> byAdapter = new LinkedHashMap<>();
                    rows.forEach(r -> byAdapter.computeIfAbsent(r.adapterId(), k -> new ArrayList<>()).add(r));
                    byAdapter.values().forEach(e::generate);
                }
                double loopedSec = (System.nanoTime() - t1) / 1e9;
                double tokens = (double) batches * batch * newTokens;
                double ratio = loopedSec / batchedSec;
                if (distinct == 32) {
                    ratioAt32 = ratio;
                }
                report.row(distinct, tokens / batchedSec, tokens / loopedSec, ratio);
            }
            report.figure("resident_adapters", e.residentAdapters().size());
            report.figure("resident_adapter_bytes", e.residentAdapterBytes());
        }
        report.ratio(ratioAt32, "batched tokens/s over looped tokens/s at 32 distinct adapters");
        report.note("CPU, 2 threads; " + (q ? "tiny" : "small") + " base; each row generates " + newTokens
                + " tokens after a 16-token prompt");
        report.publish();
        return 0;
    }
}
