package ai.mint.quickstart;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.client.MintClient;
import ai.mint.client.cli.CatalogPrinter;
import ai.mint.common.connection.ConnectionFile;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelPreset;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.pretrain.PretrainPreset;
import ai.mint.engine.pretrain.EnglishBase;
import ai.mint.events.CatalogEntry;
import ai.mint.events.InferenceResponse;
import ai.mint.events.RollbackResult;
import ai.mint.events.SamplingParams;
import ai.mint.orchestration.OrchestratorApp;
import ai.mint.orchestration.OrchestratorConfig;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.scheduling.SchedulerApp;
import ai.mint.scheduling.SchedulerConfig;
import ai.mint.worker.Worker;
import ai.mint.worker.WorkerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The quickstart's main job: the whole product on the embedded platform in a few minutes. It uses the English base
 * the repository carries (pretraining it first if it is missing), prints what the base alone answers, starts the
 * broker and registry, the catalog app, the orchestrator, the scheduler and one worker in this JVM, creates four
 * policies with different rewards and trains them concurrently while printing each one's reward curve, lets eval
 * promote revisions, samples every policy (through the scheduler's packs) to show their outputs differ, rolls one
 * back, prints the catalog and each policy's history, and stops everything.
 */
public final class QuickstartJob {

    /** What to run: steps per policy, a time limit, where the base and the data live. */
    public record Options(int steps, Duration timeLimit, Path baseDir, Path dataDir, boolean keepData) {

        /** The repository's English base ({@code models/brown-small}) under {@code mintHome}. */

        public static Options defaults(Path mintHome) {
            return new Options(60, Duration.ofMinutes(6), mintHome.resolve(PretrainPreset.BUNDLED_SMALL),
                    null, false);
        }
    }

    private static final long SEED = 7;
    private static final int SHOWN_REVISIONS = 6;
    private static final int SHOWN_MOVES = 6;

    private final Options options;
    private final PrintWriter out;

    public QuickstartJob(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the job; returns 0 when every stage was seen working. */
    public int run() throws Exception {
        Path baseDir = ensureBase(options.baseDir());
        List<String> before = BaseSamples.greedy(baseDir, QuickstartPolicies.PROMPTS, QuickstartPolicies.MAX_TOKENS);
        Path dataDir = options.dataDir() != null ? Files.createDirectories(options.dataDir())
                : Files.createTempDirectory("mint-quickstart-");
        say("data in " + dataDir);
        List<AutoCloseable> running = new ArrayList<>();
        try {
            EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(dataDir.resolve("platform")));
            running.add(platform);
            say("platform up: " + ConnectionFile.addressLines(platform.connection())
                    .replace(System.lineSeparator(), "  ").trim());
            RunningCatalog catalog = CatalogApp.start(new CatalogConfig(Map.of(
                    CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                    CatalogConfig.STATE_DIR, dataDir.resolve("catalog").toString(),
                    CatalogConfig.HTTP_PORT, 0)));
            running.add(catalog);
            say("catalog app up; query API at " + catalog.queryUrl());
            KafkaStreams orchestrator = OrchestratorApp.start(new OrchestratorConfig(Map.of(
                    OrchestratorConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    OrchestratorConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                    OrchestratorConfig.STATE_DIR, dataDir.resolve("orchestrator").toString())));
            running.add(() -> OrchestratorApp.stop(orchestrator));
            KafkaStreams scheduler = SchedulerApp.start(new SchedulerConfig(Map.of(
                    SchedulerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    SchedulerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                    SchedulerConfig.STATE_DIR, dataDir.resolve("scheduler").toString())));
            running.add(() -> SchedulerApp.stop(scheduler, Duration.ofSeconds(30)));
            say("scheduler up: inference requests are packed by adapter and sent to the worker");
            Worker worker = Worker.start(new WorkerConfig(Map.of(
                    WorkerConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    WorkerConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                    PlatformConnection.CATALOG_URL, catalog.queryUrl(),
                    WorkerConfig.WORKER_ID, "quickstart-worker",
                    WorkerConfig.BASE_DIR, baseDir.toString(),
                    WorkerConfig.STORE_ROOT, dataDir.resolve("adapters").toString())));
            running.add(worker);
            say("worker up: roles " + worker.config().roles + ", base '" + worker.config().baseModel + "' resident");
            MintClient client = new MintClient(platform.connection().withCatalog(catalog.queryUrl()),
                    Duration.ofSeconds(120));
            running.add(client);
            ProgressBoard board = new ProgressBoard(QuickstartPolicies.NAMES, options.steps(), client,
                    platform.connection());
            running.add(board);

            train(client, board, worker.config().baseModel);
            boolean sampled = sampleAll(client, before);
            boolean rolledBack = rollBackOne(client);
            printCatalog(client);
            say(sampled && rolledBack ? "quickstart OK" : "quickstart finished with problems (see above)");
            return sampled && rolledBack ? 0 : 1;
        } finally {
            say("stopping ...");
            for (int i = running.size() - 1; i >= 0; i--) {
                closeQuietly(running.get(i));
            }
            if (options.keepData()) {
                say("data kept in " + dataDir);
            } else {
                deleteTree(dataDir);
            }
            out.flush();
        }
    }

    private void train(MintClient client, ProgressBoard board, String baseModel) throws Exception {
        List<CompletableFuture<CatalogEntry>> created = new ArrayList<>();
        for (int i = 0; i < QuickstartPolicies.NAMES.size(); i++) {
            String name = QuickstartPolicies.NAMES.get(i);
            created.add(client.createPolicy(QuickstartPolicies.spec(name, baseModel, options.steps(), SEED + i)));
        }
        CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        say("created " + QuickstartPolicies.NAMES.size() + " policies; rewards:");
        QuickstartPolicies.NAMES.forEach(n -> say(String.format(Locale.ROOT, "  %-9s %s", n,
                QuickstartPolicies.REWARDS.get(n))));
        say("training them concurrently (" + options.steps() + " steps each: rollout, GRPO update, export, eval) ...");
        long started = System.nanoTime();
        long deadline = started + options.timeLimit().toNanos();
        while (!board.allDone() && System.nanoTime() < deadline) {
            Thread.sleep(3000);
            board.print(out, (System.nanoTime() - started) / 1_000_000_000);
        }
        if (!board.allDone()) {
            say("time limit reached: stopping the loops that are not done");
            for (String name : QuickstartPolicies.NAMES) {
                client.stop(name).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private boolean sampleAll(MintClient client, List<String> before) throws Exception {
        say("");
        say("samples (greedy, " + QuickstartPolicies.MAX_TOKENS + " tokens): the base alone, then each policy's "
                + "serving revision");
        SamplingParams greedy = SamplingParams.newBuilder().setMaxTokens(QuickstartPolicies.MAX_TOKENS)
                .setTemperature(0).build();
        boolean ok = true;
        List<String> firstCompletions = new ArrayList<>();
        for (int i = 0; i < QuickstartPolicies.PROMPTS.size(); i++) {
            String prompt = QuickstartPolicies.PROMPTS.get(i);
            say("  " + prompt + " ...");
            say(String.format(Locale.ROOT, "    %-8s %-11s %s", "base", "", printable(prompt + before.get(i))));
            for (String name : QuickstartPolicies.NAMES) {
                InferenceResponse r = client.sample(name, prompt, greedy, null).get(120, TimeUnit.SECONDS);
                if (r.getError() != null) {
                    say(String.format(Locale.ROOT, "    %-8s error: %s", name, r.getError()));
                    ok = false;
                    continue;
                }
                if (i == 0) {
                    firstCompletions.add(r.getCompletionText());
                }
                say(String.format(Locale.ROOT, "    %-8s @%-10s %s", name, r.getRevision(),
                        printable(prompt + r.getCompletionText())));
            }
        }
        long distinct = firstCompletions.stream().distinct().count();
        say(distinct + " distinct completions of '" + QuickstartPolicies.PROMPTS.get(0) + "' from "
                + firstCompletions.size() + " policies over one shared base");
        return ok;
    }

    private boolean rollBackOne(MintClient client) throws Exception {
        Optional<CatalogEntry> candidate = QuickstartPolicies.NAMES.stream().map(client::policy)
                .flatMap(Optional::stream).filter(e -> e.getHistory().size() >= 2).findFirst();
        say("");
        if (candidate.isEmpty()) {
            say("no policy has two promoted revisions yet, so there is nothing to roll back to");
            return false;
        }
        String name = candidate.get().getPolicyId();
        RollbackResult result = client.rollback(name, null, "quickstart: showing a rollback")
                .get(120, TimeUnit.SECONDS);
        say("rollback of " + name + ": " + (result.getAccepted()
                ? "serving " + result.getToRevision() + " again (was " + result.getFromRevision() + ")"
                : "refused: " + result.getReason()));
        if (!result.getAccepted()) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!result.getToRevision().equals(client.policy(name).map(CatalogEntry::getServingRevision).orElse(null))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        InferenceResponse r = client.sample(name, QuickstartPolicies.PROMPTS.get(0), SamplingParams.newBuilder()
                .setMaxTokens(QuickstartPolicies.MAX_TOKENS).setTemperature(0).build(), null).get(120, TimeUnit.SECONDS);
        say(String.format(Locale.ROOT, "  %-9s @%-10s %s", name, r.getRevision(),
                printable(QuickstartPolicies.PROMPTS.get(0) + r.getCompletionText())));
        return result.getToRevision().equals(r.getRevision());
    }

    private void printCatalog(MintClient client) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            ps.println();
            ps.println("catalog:");
            CatalogPrinter.list(client.listPolicies(), ps);
            for (String name : QuickstartPolicies.NAMES) {
                client.policy(name).ifPresent(e -> {
                    ps.println();
                    CatalogPrinter.show(e, ps, SHOWN_REVISIONS);
                    CatalogPrinter.history(e, ps, SHOWN_MOVES);
                });
            }
        }
        out.print(buffer.toString(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The base in {@code dir}; the English base is pretrained into it first when it is missing (once, cached). */
    private Path ensureBase(Path dir) {
        if (Files.isRegularFile(dir.resolve("config.json")) && Files.isRegularFile(dir.resolve("model.safetensors"))) {
            say("base model: " + dir);
            return dir;
        }
        say("no base model in " + dir + ": pretraining the English base there (Brown corpus, preset small, about"
                + " 12 minutes on 2 cores, once) ...");
        Path home = Path.of(System.getProperty("mint.home", "."));
        EnglishBase.make(PretrainPreset.SMALL, dir, home, this::say, System.out, System.console() != null);
        return dir;
    }

    /** Completions may hold control characters or bytes that are not whole UTF-8 characters; show them escaped. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == '\n') {
                sb.append("\\n");
            } else if (Character.isISOControl(c) || c == 0xFFFD) {
                sb.append('·');
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("while stopping: " + e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
