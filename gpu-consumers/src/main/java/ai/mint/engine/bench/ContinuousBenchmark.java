package ai.mint.engine.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.bench.BenchResult;
import ai.mint.common.bench.BenchRun;
import ai.mint.common.bench.Sample;
import ai.mint.common.bench.Stats;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.ContinuousBatch;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.TokenSink;
import ai.mint.engine.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;

/**
 * {@code mint bench continuous}: a backlog of requests with mixed output lengths (4 to 128 tokens) through one engine
 * with the same number of rows on the device at once, batched two ways: per poll (take {@code rows} requests, run
 * them to the end as one batch, then take the next ones: a short request waits for the longest of its batch, and the
 * batch thins out as rows finish) and continuously (a row that finishes leaves at once and the next request joins
 * between decoding steps). Same requests, same adapters, same engine; tokens/s and request latency (p50/p99, from
 * the moment the backlog is there to the request's own answer).
 */
@Command(name = "continuous", description = "Continuous vs per-poll batching: tokens/s and p99 latency, mixed lengths.")
public final class ContinuousBenchmark implements MintBenchmark, Callable<Integer> {

    static final String PER_POLL = "per-poll batches";
    static final String CONTINUOUS = "continuous batch";
    static final int PROMPT_LENGTH = 8;
    static final int ADAPTERS = 4;
    static final int RANK = 8;

    @Option(names = "--quick", description = "Tiny base, 24 requests, 3 rounds (under a minute).")
    boolean quick;

    /** One request of the backlog: its adapter, prompt and how many tokens it generates (no stop token). */
    record Job(String adapterId, int[] prompt, int tokens) {
        GenerationRequest request() {
            return new GenerationRequest(adapterId, prompt, GenerationParams.greedy(tokens));
        }
    }

    /**
     * The backlog: three requests in four are short (4 to 16 tokens), one in four long (96 to 128), interleaved, so
     * that almost every poll holds a long one; a fixed seed, so that every run is the same work.
     */
    static List<Job> backlog(int count, int vocab) {
        Random r = new Random(42);
        List<Job> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int tokens = i % 4 == 3 ? 96 + r.nextInt(33) : 4 + r.nextInt(13);
            int[] prompt = r.ints(PROMPT_LENGTH, 33, Math.min(vocab, 123)).toArray();
            jobs.add(new Job(EngineWorkload.id(i % ADAPTERS), prompt, tokens));
        }
        return jobs;
    }

    @Override
    public Integer call() throws Exception {
        ModelConfig c = BenchSupport.config(quick, false);
        int rows = 8;
        int count = quick ? 24 : 64;
        List<Job> jobs = backlog(count, c.vocabSize());
        int tokens = jobs.stream().mapToInt(Job::tokens).sum();
        Path dir = BenchSupport.workDir("continuous-adapters-" + (quick ? "tiny" : "small"));
        EngineWorkload.ensureAdapters(c, dir, ADAPTERS, RANK);
        BenchResult result;
        boolean sameTokens;
        try (LoraEngine e = LoraEngine.open(EngineConfig.of(BenchSupport.base(quick, false)))) {
            EngineWorkload.loadAll(e, dir, ADAPTERS);
            sameTokens = sameTokens(perPoll(e, jobs, rows, null), continuous(e, jobs, rows, null));
            result = BenchRun.of("continuous").warmUps(1).rounds(quick ? 3 : 5)
                    .variant(PER_POLL, s -> perPoll(e, jobs, rows, s))
                    .variant(CONTINUOUS, s -> continuous(e, jobs, rows, s))
                    .run();
        }
        publish(result, jobs, rows, tokens, sameTokens);
        return 0;
    }

    /** Polls of {@code rows} requests, each generated to its end before the next poll is taken. */
    static List<GenerationResult> perPoll(LoraEngine e, List<Job> jobs, int rows, Sample s) throws Exception {
        double[] latencyMs = new double[jobs.size()];
        List<GenerationResult> out = new ArrayList<>(jobs.size());
        long start = System.nanoTime();
        Runnable all = () -> {
            for (int from = 0; from < jobs.size(); from += rows) {
                List<Job> poll = jobs.subList(from, Math.min(jobs.size(), from + rows));
                out.addAll(e.generate(poll.stream().map(Job::request).toList()));
                double done = (System.nanoTime() - start) / 1e6; // every request of the poll is answered now
                Arrays.fill(latencyMs, from, from + poll.size(), done);
            }
        };
        record(s, all, latencyMs);
        return out;
    }

    /** Every request submitted at once to a batch of at most {@code rows} rows; each answered when it is done. */
    static List<GenerationResult> continuous(LoraEngine e, List<Job> jobs, int rows, Sample s) throws Exception {
        double[] latencyMs = new double[jobs.size()];
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>(jobs.size());
        Runnable all = () -> {
            long start = System.nanoTime();
            try (ContinuousBatch batch = e.openBatch(rows, () -> { })) {
                for (int i = 0; i < jobs.size(); i++) {
                    int k = i;
                    futures.add(batch.submit(jobs.get(i).request(), TokenSink.NONE)
                            .whenComplete((g, x) -> latencyMs[k] = (System.nanoTime() - start) / 1e6));
                }
                while (batch.pending() > 0) {
                    if (!batch.step()) {
                        Thread.onSpinWait(); // every adapter is resident: there is always work
                    }
                }
            }
        };
        record(s, all, latencyMs);
        return futures.stream().map(CompletableFuture::join).toList();
    }

    /** Runs {@code all}, timed as the sample's "generate" part, and records the latency percentiles of its requests. */
    private static void record(Sample s, Runnable all, double[] latencyMs) throws Exception {
        if (s == null) {
            all.run();
            return;
        }
        s.time("generate", all::run);
        s.metric("p50_ms", Stats.percentile(latencyMs, 50));
        s.metric("p99_ms", Stats.percentile(latencyMs, 99));
    }

    private static boolean sameTokens(List<GenerationResult> a, List<GenerationResult> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i).tokens(), b.get(i).tokens())) {
                return false;
            }
        }
        return true;
    }

    private void publish(BenchResult result, List<Job> jobs, int rows, int tokens, boolean sameTokens) {
        BenchReport report = new BenchReport("continuous", jobs.size() + " requests (" + tokens + " tokens: 3 in 4 "
                + "generate 4-16, 1 in 4 generate 96-128) after an " + PROMPT_LENGTH + "-token prompt, " + ADAPTERS
                + " rank-" + RANK + " adapters, " + rows + " rows on the device at once, "
                + (quick ? "tiny" : "small") + " dense base")
                .columns("variant", "median tok/s", "min tok/s", "max tok/s", "p50 ms (median)", "p99 ms (median)");
        report.variants(result);
        double[] perSecond = new double[2];
        double[] p99 = new double[2];
        int v = 0;
        for (String name : List.of(PER_POLL, CONTINUOUS)) {
            BenchResult.VariantResult r = result.variant(name);
            Stats tps = r.part("generate").map("tokens/s", ms -> tokens / (ms / 1e3));
            report.row(name, tps.median(), tps.min(), tps.max(), r.metric("p50_ms").median(),
                    r.metric("p99_ms").median());
            report.derived(name, "tokens_per_s", tps);
            perSecond[v] = tps.median();
            p99[v++] = r.metric("p99_ms").median();
        }
        report.figure("throughput_continuous_over_per_poll", perSecond[1] / perSecond[0])
                .figure("p99_continuous_over_per_poll", p99[1] / p99[0])
                .figure("goal", "2x throughput, p99 no worse")
                .figure("same_tokens_both_ways", sameTokens)
                .ratio(perSecond[1] / perSecond[0], "tokens/s of the continuous batch over per-poll batches (medians)")
                .note("both variants hold at most " + rows + " rows on the device; per poll, a batch runs until its "
                        + "longest row is done, so short requests wait for it and the batch thins out as rows finish")
                .note("latency counts from the moment the whole backlog is there; per poll, every request of a poll "
                        + "is answered when the poll's batch ends")
                .note("the gain depends on the length mix: the more the lengths differ within a poll, the larger it is");
        report.publish();
    }
}
