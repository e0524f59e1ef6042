package ai.mint.soak;

import ai.mint.chaos.ChaosPlatform;
import ai.mint.lifecycle.bench.MintJvm;
import ai.mint.common.kafka.KafkaClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Takes one soak sample of every process of a {@link ChaosPlatform}: RSS and open files of each service JVM, the
 * live native arrays of each worker (its {@code mint_engine_arrays_live} meter), and the consumer lag of each of the
 * platform's consumer groups (end offsets minus committed offsets, summed over partitions).
 */
final class SoakSampler implements AutoCloseable {

    static final String ARRAYS_METRIC = "mint_engine_arrays_live";
    static final String RESIDENT_METRIC = "mint_adapters_resident";

    private final ChaosPlatform platform;
    private final Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Series> series = new LinkedHashMap<>();

    SoakSampler(ChaosPlatform platform) {
        this.platform = platform;
        this.admin = KafkaClients.of(platform.connection()).admin("mint-soak");
    }

    /** Samples everything at {@code minute} (since the soak began). */
    void sample(double minute) {
        Map<String, Integer> ports = platform.metricsPorts();
        for (Map.Entry<String, MintJvm> e : platform.liveServices().entrySet()) {
            String name = e.getKey();
            long pid = e.getValue().pid();
            series("rss " + name, "MiB").add(minute, ProcessProbe.rssMib(pid));
            series("fds " + name, "files").add(minute, ProcessProbe.openFiles(pid));
            if (name.contains("-w")) {
                String metrics = scrape(ports.get(name));
                series("arrays " + name, "arrays").add(minute, gauge(metrics, ARRAYS_METRIC + "{"));
                // the working set's own count: arrays that grow with it are cached adapters, not a leak
                series("adapters " + name, "adapters").add(minute, gauge(metrics, RESIDENT_METRIC + "{"));
            }
        }
        lagByGroup().forEach((group, lag) -> series("lag " + group, "records").add(minute, lag));
    }

    Map<String, Series> series() {
        return series;
    }

    private Series series(String name, String unit) {
        return series.computeIfAbsent(name, n -> new Series(n, unit));
    }

    /** The worker's Prometheus text, or "" when it does not answer. */
    private String scrape(Integer port) {
        if (port == null) {
            return "";
        }
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return ""; // the endpoint is not up yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The value of the first sample whose line starts with {@code prefix} (name and opening brace), or NaN. */
    static double gauge(String metrics, String prefix) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix)) {
                try {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    private Map<String, Double> lagByGroup() {
        Map<String, Double> lag = new LinkedHashMap<>();
        try {
            for (GroupListing group : admin.listGroups().all().get(10, TimeUnit.SECONDS)) {
                if (!group.groupId().contains(platform.runId())) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                        .get(10, TimeUnit.SECONDS);
                double sum = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> c : committed.entrySet()) {
                    if (c.getValue() != null && ends.containsKey(c.getKey())) {
                        sum += Math.max(0, ends.get(c.getKey()).offset() - c.getValue().offset());
                    }
                }
                lag.put(group.groupId(), sum);
            }
        } catch (Exception e) {
            // a sample without lag figures; the next one tries again
        }
        return lag;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
