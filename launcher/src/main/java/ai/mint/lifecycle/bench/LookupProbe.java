package ai.mint.lifecycle.bench;

import ai.mint.common.catalog.lookup.CatalogLookup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A process that reads the catalog the way a serving worker will with the lookup library: it serves a handful of
 * policies, looking up each one's entry, serving pointer and serving revision again and again while following the
 * catalog topics, then reports its resident memory. Run as a child JVM with a fixed heap by the catalog-scale
 * benchmark, at 10^3 and at 10^6 policies in the catalog.
 */
public final class LookupProbe {

    static final String RSS_PREFIX = "RSS_BYTES=";

    private LookupProbe() {
    }

    /** {@code LookupProbe CATALOG_URL BOOTSTRAP REGISTRY SECONDS POLICY...}; prints {@code RSS_BYTES=n}. */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        List<String> policies = Arrays.asList(args).subList(4, args.length);
        long until = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[3])).toNanos();
        long lookups = 0;
        long start = System.nanoTime();
        try (CatalogLookup lookup = CatalogLookup.builder(url).followChanges(args[1], args[2]).build()) {
            System.out.printf("following the catalog topics after %.1f s%n", (System.nanoTime() - start) / 1e9);
            while (System.nanoTime() < until) {
                for (String p : policies) {
                    lookup.entry(p).orElseThrow(() -> new IllegalStateException("unknown policy " + p));
                    lookup.servingRevision(p).ifPresent(r -> lookup.revision(p, r));
                    lookups++;
                }
            }
            System.out.printf("looked up for %.1f s%n", (System.nanoTime() - start) / 1e9);
            System.gc();
            Thread.sleep(500);
            System.out.println("LOOKUPS=" + lookups + " CACHED=" + lookup.entryStats().size());
            System.out.println(RSS_PREFIX + rssBytes());
        }
        System.out.printf("closed after %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** Resident set size of this process, from /proc (Linux). */
    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    /** Runs the probe as a child JVM and returns its resident memory in bytes. */
    static long run(String catalogUrl, String bootstrap, String registry, List<String> policies, int seconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Xms32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), LookupProbe.class.getName(),
                catalogUrl, bootstrap, registry, Integer.toString(seconds)));
        command.addAll(policies);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        long rss = -1;
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                if (!line.contains(" WARN ") && !line.startsWith("SLF4J")) {
                    System.out.println("    probe: " + line);
                }
                if (line.startsWith(RSS_PREFIX)) {
                    rss = Long.parseLong(line.substring(RSS_PREFIX.length()));
                }
            }
        } finally {
            if (!child.waitFor(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        if (rss < 0) {
            throw new IllegalStateException("the lookup probe reported no memory; its output:\n" + output);
        }
        return rss;
    }
}
