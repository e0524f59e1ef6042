package ai.mint.lifecycle.bench;

import ai.mint.client.MintClient;
import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.engine.GenerationRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.worker.Worker;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint bench pipeline-overhead}: what the topics cost a sampling request. The same greedy request is timed as
 * a direct call into the worker's engine and as a round trip through the platform (client -> inference topic ->
 * worker -> response topic -> client) on the embedded broker; "ratio" is p50 through Kafka over p50 direct. Also the
 * handoff latency: from publishing an exported, evaluated revision to the first response that revision serves
 * (catalog promotion, catalog topic, the worker's pointer switch, adapter load).
 */
@Command(name = "pipeline-overhead", description = "Sampling through the topics vs a direct engine call; handoff latency.")
public final class PipelineOverheadBenchmark implements MintBenchmark, Callable<Integer> {

    private static final String POLICY = "bench-policy";
    private static final String PROMPT = "The answer is ";

    @Option(names = "--quick", description = "Fewer requests and handoffs.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        int requests = quick ? 20 : 200;
        int handoffs = quick ? 2 : 5;
        try (ServingBench bench = new ServingBench("pipeline", POLICY, Map.of())) {
            Worker worker = bench.worker;
            MintClient client = bench.client;
            bench.publish(1);
            bench.awaitServing("rev-1");

            SamplingParams sampling = SamplingParams.newBuilder().setMaxTokens(8).setTemperature(0).build();
            // warm both paths (adapter load, JIT, producer metadata)
            for (int i = 0; i < 3; i++) {
                direct(worker, sampling);
                client.sample(POLICY, PROMPT, sampling, null).get(60, TimeUnit.SECONDS);
            }
            double[] directMs = new double[requests];
            double[] kafkaMs = new double[requests];
            for (int i = 0; i < requests; i++) {
                directMs[i] = direct(worker, sampling);
                long t = System.nanoTime();
                InferenceResponse r = client.sample(POLICY, PROMPT, sampling, null).get(60, TimeUnit.SECONDS);
                kafkaMs[i] = (System.nanoTime() - t) / 1e6;
                if (r.getError() != null) {
                    throw new IllegalStateException("sampling failed: " + r.getError());
                }
            }
            double[] handoffMs = new double[handoffs];
            for (int h = 0; h < handoffs; h++) {
                int rev = h + 2;
                long t = System.nanoTime();
                bench.publish(rev);
                String wanted = "rev-" + rev;
                while (!wanted.equals(client.sample(POLICY, PROMPT, sampling, null).get(60, TimeUnit.SECONDS)
                        .getRevision())) {
                    if (System.nanoTime() - t > TimeUnit.SECONDS.toNanos(60)) {
                        throw new IllegalStateException(wanted + " was not served within 60 s");
                    }
                }
                handoffMs[h] = (System.nanoTime() - t) / 1e6;
            }
            double p50Direct = percentile(directMs, 50);
            double p50Kafka = percentile(kafkaMs, 50);
            BenchReport report = new BenchReport("pipeline-overhead",
                    "one greedy 8-token sample from a rank-8 adapter on the tiny base, " + requests + " requests each")
                    .columns("path", "p50 ms", "p99 ms", "requests")
                    .row("direct engine call in the worker", p50Direct, percentile(directMs, 99), requests)
                    .row("through the topics (client -> worker -> client)", p50Kafka, percentile(kafkaMs, 99), requests)
                    .row("handoff: exported revision -> first response by it", percentile(handoffMs, 50),
                            percentile(handoffMs, 99), handoffs);
            report.figure("p50_direct_ms", p50Direct);
            report.figure("p50_kafka_ms", p50Kafka);
            report.figure("p99_direct_ms", percentile(directMs, 99));
            report.figure("p99_kafka_ms", percentile(kafkaMs, 99));
            report.figure("handoff_p50_ms", percentile(handoffMs, 50));
            report.ratio(p50Kafka / p50Direct, "p50 latency through Kafka over p50 of the direct engine call");
            report.note("embedded single broker on loopback, acks=all; the handoff includes the catalog app's "
                    + "exactly-once commit, the compacted catalog topic, the worker's pointer switch and adapter load");
            report.publish();
            return 0;
        }
    }

    private static double direct(Worker worker, SamplingParams sampling) {
        // the revision the Kafka path is served by during the timed requests
        String adapter = worker.runtime().adapterFor(POLICY, "rev-1", null, null);
        int[] tokens = worker.runtime().encode(PROMPT);
        long t = System.nanoTime();
        worker.runtime().generate(List.of(new GenerationRequest(adapter, tokens,
                new ai.mint.engine.GenerationParams(sampling.getMaxTokens(), 0, 1, 0,
                        Set.of(worker.runtime().eosToken())))));
        return (System.nanoTime() - t) / 1e6;
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
