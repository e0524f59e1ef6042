package ai.mint.lifecycle.bench;

import ai.mint.common.bench.BenchReport;
import ai.mint.common.cli.MintBenchmark;
import ai.mint.common.metrics.PrometheusText;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.gateway.Gateway;
import ai.mint.gateway.GatewayConfig;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.worker.Worker;
import ai.mint.worker.WorkerConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint bench gateway}: what the OpenAI-compatible gateway costs a request. Each round sends the same batch of
 * greedy completions ({@code --batch} at once) two ways, in alternating order: as one batched call into the worker's
 * engine (direct), and as concurrent HTTP requests through the gateway (HTTP -> Kafka -> worker -> Kafka -> HTTP) on
 * the embedded broker. It reports each path's p50/p99 request latency and requests/s, and "ratio" = gateway p50 over
 * direct p50 (goal: at most 1.5 at batch), also taken within each round (its two legs back to back); then the time to
 * first token of streamed requests (workers stream chunks as they decode).
 */
@Command(name = "gateway", description = "OpenAI-compatible gateway vs a direct engine call at the same batch size; "
        + "time to first token when streaming.")
public final class GatewayBenchmark implements MintBenchmark, Callable<Integer> {

    private static final String POLICY = "bench-gateway";
    private static final String PROMPT = "The answer is ";
    private static final int MAX_TOKENS = 16;
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Option(names = "--quick", description = "Fewer rounds (about half a minute).")
    boolean quick;

    @Option(names = "--batch", description = "Requests per round, sent at once (default: ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--linger-ms", description = "The gateway's " + GatewayConfig.LINGER_MS
            + " (default: ${DEFAULT-VALUE}).")
    int lingerMs = 0;

    @Option(names = "--pack-window-ms", description = "The scheduler's " + SchedulerConfig.PACK_WINDOW_MS
            + " (default: the scheduler's default, ${DEFAULT-VALUE}).")
    int packWindowMs = (Integer) SchedulerConfig.DEFINITION.defaultValues().get(SchedulerConfig.PACK_WINDOW_MS);

    @Option(names = "--pack-quiet-ms", description = "The scheduler's " + SchedulerConfig.PACK_QUIET_MS
            + " (default: the scheduler's default, ${DEFAULT-VALUE}).")
    int packQuietMs = (Integer) SchedulerConfig.DEFINITION.defaultValues().get(SchedulerConfig.PACK_QUIET_MS);

    @Override
    public Integer call() throws Exception {
        // many short rounds: this machine's speed drifts between seconds, and medians over more rounds hold still
        int rounds = quick ? 5 : 40;
        int warmup = 3;
        long started = System.nanoTime();
        try (ServingBench bench = new ServingBench("gateway", POLICY, Map.of(WorkerConfig.INFERENCE_BATCH,
                Math.max(batch, 1)), Map.of(SchedulerConfig.PACK_WINDOW_MS, packWindowMs,
                SchedulerConfig.PACK_QUIET_MS, packQuietMs));
             Gateway gateway = Gateway.start(new GatewayConfig(Map.of(
                     GatewayConfig.BOOTSTRAP_SERVERS, bench.platform.bootstrapServers(),
                     GatewayConfig.REGISTRY_URL, bench.platform.schemaRegistryUrl(),
                     GatewayConfig.CATALOG_URL, bench.catalog.queryUrl(),
                     GatewayConfig.GATEWAY_ID, "bench-gateway",
                     GatewayConfig.LINGER_MS, lingerMs,
                     GatewayConfig.HTTP_PORT, 0)))) {
            Worker worker = bench.worker;
            bench.publish(1);
            bench.awaitServing("rev-1");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            URI completions = URI.create(gateway.url() + "/completions");

            List<Double> directMs = new ArrayList<>();
            List<Double> gatewayMs = new ArrayList<>();
            List<Double> firstTokenMs = new ArrayList<>();
            List<Double> directRoundMs = new ArrayList<>();
            List<Double> gatewayRoundMs = new ArrayList<>();
            List<Double> pairedRatios = new ArrayList<>();
            long lastProgress = System.nanoTime();
            System.out.printf("gateway bench: batch %d, %d warm-up + %d timed rounds per path%n", batch, warmup,
                    rounds);
            double[] before = null;
            for (int round = -warmup; round < rounds; round++) {
                boolean timed = round >= 0;
                if (round == 0) {
                    before = timings(http, gateway.metricsUrl(), worker.metricsUrl().orElseThrow());
                }
                boolean directFirst = Math.floorMod(round, 2) == 0;
                double roundDirectMs = 0;
                double roundGatewayP50 = 0;
                for (int leg = 0; leg < 2; leg++) {
                    if ((leg == 0) == directFirst) {
                        double ms = direct(worker);
                        roundDirectMs = ms;
                        if (timed) {
                            directRoundMs.add(ms);
                            // every row of the batch waits for the whole batched call
                            directMs.addAll(Collections.nCopies(batch, ms));
                        }
                    } else {
                        long t = System.nanoTime();
                        List<Double> each = throughGateway(http, completions, false);
                        double ms = (System.nanoTime() - t) / 1e6;
                        roundGatewayP50 = percentile(each, 50);
                        if (timed) {
                            gatewayRoundMs.add(ms);
                            gatewayMs.addAll(each);
                        }
                    }
                }
                List<Double> ttft = throughGateway(http, completions, true);
                if (timed) {
                    firstTokenMs.addAll(ttft);
                    pairedRatios.add(roundGatewayP50 / roundDirectMs);
                }
                if (System.nanoTime() - lastProgress > PROGRESS_NANOS || round == rounds - 1) {
                    lastProgress = System.nanoTime();
                    System.out.printf("  round %d/%d: direct %.1f ms, gateway %.1f ms (%.0f s)%n", round + 1, rounds,
                            last(directRoundMs), last(gatewayRoundMs), (System.nanoTime() - started) / 1e9);
                }
            }
            BenchReport report = report(directMs, gatewayMs, firstTokenMs, directRoundMs, gatewayRoundMs, rounds);
            // the same ratio taken within each round (its two legs ran back to back), so that a slow stretch of the
            // machine weighs on both sides of each figure
            report.figure("round_ratio_median", median(pairedRatios));
            report.figure("round_ratio_min", min(pairedRatios));
            report.figure("round_ratio_max", max(pairedRatios));
            whereTheTimeGoes(report, before, timings(http, gateway.metricsUrl(), worker.metricsUrl().orElseThrow()));
            report.publish();
            return 0;
        }
    }

    private BenchReport report(List<Double> directMs, List<Double> gatewayMs, List<Double> firstTokenMs,
                               List<Double> directRoundMs, List<Double> gatewayRoundMs, int rounds) {
        double p50Direct = percentile(directMs, 50);
        double p50Gateway = percentile(gatewayMs, 50);
        double rpsDirect = batch / (median(directRoundMs) / 1000);
        double rpsGateway = batch / (median(gatewayRoundMs) / 1000);
        BenchReport report = new BenchReport("gateway", "greedy " + MAX_TOKENS + "-token completions from a rank-8 "
                + "adapter on the tiny base, " + batch + " at once, " + rounds + " rounds per path")
                .columns("path", "p50 ms", "p99 ms", "round median ms", "round min ms", "round max ms", "requests/s")
                .row("direct engine call (one batch of " + batch + ")", p50Direct, percentile(directMs, 99),
                        median(directRoundMs), min(directRoundMs), max(directRoundMs), rpsDirect)
                .row("gateway: HTTP -> Kafka -> worker -> HTTP", p50Gateway, percentile(gatewayMs, 99),
                        median(gatewayRoundMs), min(gatewayRoundMs), max(gatewayRoundMs), rpsGateway)
                .row("gateway, streamed: time to first token", percentile(firstTokenMs, 50),
                        percentile(firstTokenMs, 99), 0.0, 0.0, 0.0, 0.0);
        report.figure("batch", batch);
        report.figure("linger_ms", lingerMs);
        report.figure("pack_window_ms", packWindowMs);
        report.figure("pack_quiet_ms", packQuietMs);
        report.figure("p50_direct_ms", p50Direct);
        report.figure("p50_gateway_ms", p50Gateway);
        report.figure("p99_direct_ms", percentile(directMs, 99));
        report.figure("p99_gateway_ms", percentile(gatewayMs, 99));
        report.figure("requests_per_s_direct", rpsDirect);
        report.figure("requests_per_s_gateway", rpsGateway);
        report.figure("ttft_p50_ms", percentile(firstTokenMs, 50));
        report.figure("ttft_p99_ms", percentile(firstTokenMs, 99));
        report.ratio(p50Gateway / p50Direct, "gateway p50 over direct p50 at batch " + batch + " (goal <= 1.5)");
        report.note("the MinT paper has no figure for this; embedded single broker on loopback, acks=all, the "
                + "gateway, worker and client share 2 cores");
        report.note("the gateway path adds the Kafka hops (request, the scheduler's pack, the worker's work topic, "
                + "the reply) to the same batched generation; streamed chunks come as the worker makes them, so time "
                + "to first token is below the whole latency");
        return report;
    }

    /**
     * The two services' own timings so far, from their Prometheus meters: {gateway sum s, gateway count, worker
     * generate sum s, worker count} of the completions endpoint and of the requests the worker answered.
     */
    private static double[] timings(HttpClient http, String gatewayMetrics, String workerMetrics) throws Exception {
        PrometheusText gw = PrometheusText.parse(http.send(HttpRequest.newBuilder(URI.create(gatewayMetrics)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        PrometheusText wk = PrometheusText.parse(http.send(HttpRequest.newBuilder(URI.create(workerMetrics)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        Map<String, String> completions = Map.of("endpoint", "completions");
        return new double[]{gw.sum("mint_gateway_request_duration_seconds_sum", completions),
                gw.sum("mint_gateway_request_duration_seconds_count", completions),
                wk.sum("mint_inference_duration_seconds_sum", Map.of()),
                wk.sum("mint_inference_duration_seconds_count", Map.of())};
    }

    /**
     * Adds where the time of the timed rounds went: the mean time a request spent inside the gateway (from its
     * arrival to its answer) and the mean generate time of the batch that answered it in the worker; the rest of the
     * client's latency is Kafka and HTTP.
     */
    private static void whereTheTimeGoes(BenchReport report, double[] before, double[] after) {
        report.figure("mean_ms_inside_gateway", 1000 * (after[0] - before[0]) / (after[1] - before[1]));
        report.figure("mean_ms_generating_in_worker", 1000 * (after[2] - before[2]) / (after[3] - before[3]));
    }

    /** One batched generate call of {@code batch} rows into the worker's engine; its wall time in ms. */
    private double direct(Worker worker) {
        String adapter = worker.runtime().adapterFor(POLICY, "rev-1", null, null);
        int[] tokens = worker.runtime().encode(PROMPT);
        List<GenerationRequest> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            rows.add(new GenerationRequest(adapter, tokens, new GenerationParams(MAX_TOKENS, 0, 1, 0,
                    Set.of(worker.runtime().eosToken()))));
        }
        long t = System.nanoTime();
        worker.runtime().generate(rows);
        return (System.nanoTime() - t) / 1e6;
    }

    /**
     * {@code batch} concurrent completions through the gateway; each one's latency in ms (streamed: until its first
     * content chunk).
     */
    private List<Double> throughGateway(HttpClient http, URI uri, boolean stream) throws Exception {
        String body = "{\"model\": \"" + POLICY + "\", \"prompt\": \"" + PROMPT + "\", \"max_tokens\": " + MAX_TOKENS
                + ", \"temperature\": 0, \"stream\": " + stream + "}";
        List<CompletableFuture<Double>> pending = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            long t = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .thenApply(r -> read(r, stream, t)));
        }
        List<Double> ms = new ArrayList<>();
        for (CompletableFuture<Double> f : pending) {
            ms.add(f.get(120, TimeUnit.SECONDS));
        }
        return ms;
    }

    /** Reads an answer; returns ms until the whole body (or, streamed, the first content chunk) arrived. */
    private static double read(HttpResponse<InputStream> response, boolean stream, long started) {
        try (InputStream in = response.body();
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the gateway answered " + response.statusCode() + ": "
                        + lines.lines().reduce("", String::concat));
            }
            double firstMs = -1;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (stream && firstMs < 0 && line.startsWith("data: {") && line.contains("\"text\":\"")
                        && !line.contains("\"text\":\"\"")) {
                    firstMs = (System.nanoTime() - started) / 1e6;
                }
            }
            double wholeMs = (System.nanoTime() - started) / 1e6;
            return stream && firstMs >= 0 ? firstMs : wholeMs;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double percentile(List<Double> values, double p) {
        return ai.mint.common.bench.Stats.percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), p);
    }

    private static double median(List<Double> values) {
        return percentile(values, 50);
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private static double last(List<Double> values) {
        return values.isEmpty() ? Double.NaN : values.get(values.size() - 1);
    }
}
