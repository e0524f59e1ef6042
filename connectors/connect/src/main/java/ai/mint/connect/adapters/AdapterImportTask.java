package ai.mint.connect.adapters;

import ai.mint.common.catalog.PolicySpecChecks;
import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.catalog.lookup.CatalogLookupException;
import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.ids.EventIds;
import ai.mint.common.store.AdapterStoreException;
import ai.mint.common.store.FilesystemAdapterStore;
import ai.mint.common.store.StoredArtifact;
import ai.mint.connect.PluginVersion;
import ai.mint.connect.SourcePartitions;
import ai.mint.connect.TaskShare;
import ai.mint.connect.converter.AvroConnectData;
import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.RevisionInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the adapters of its share of the tree, a batch at a time: each adapter is checked against the base
 * ({@link PeftAdapterCheck}), copied into the adapter store with its sha-256, and registered by the events of
 * {@link ImportEvents}. A batch goes out stage by stage (all specs, then all revisions, exports, serve requests), each
 * stage only once the broker acknowledged the one before and the catalog's query API shows it folded: the catalog
 * reads the four topics side by side and does not promise their order, so an export sent right after its spec could be
 * folded first and refused.
 * The source partition is the adapter's path; its offset says it was imported (or refused), so a restarted connector
 * does not import it again. A refused adapter becomes a DeadLetter naming its directory and the reason; the rest go on.
 */
public class AdapterImportTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(AdapterImportTask.class);
    private static final String STATE = "state";
    private static final String IMPORTED = "imported";
    private static final String REFUSED = "refused";
    private static final long CATALOG_LOOK_MS = 50;
    private static final List<String> STAGES = List.of("policy spec", "revision", "export", "serve request");

    private final AvroConnectData data = new AvroConnectData();
    /** Adapters this session has finished with (imported, refused, or found so in the committed offsets). */
    private final Set<String> done = new HashSet<>();
    private final Deque<String> pending = new ArrayDeque<>();
    /** Records of the stage in flight that the broker has not acknowledged yet. */
    private final Set<SourceRecord> unacknowledged = Collections.synchronizedSet(
            Collections.newSetFromMap(new IdentityHashMap<>()));
    private AdapterImportConfig config;
    private PeftAdapterCheck check;
    private FilesystemAdapterStore store;
    private CatalogLookup catalog;
    private long stageDeadline;
    /** Adapters of the batch (in order) the catalog has shown the stage in flight for. */
    private int shown;
    private TaskShare share;
    private long nextScan;
    private List<Imported> batch;
    private int stage;

    /** An adapter checked and stored, with its events by stage. */
    private record Imported(String path, String policyId, List<ImportEvents.Staged> stages) {
    }

    @Override
    public String version() {
        return PluginVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new AdapterImportConfig(props);
        share = TaskShare.of(props);
        if (!Files.isDirectory(config.dir)) {
            throw new ConnectException(AdapterImportConfig.DIR + " " + config.dir + " is not a directory");
        }
        try {
            check = new PeftAdapterCheck(BaseShapes.read(config.baseDir));
        } catch (IllegalArgumentException e) {
            throw new ConnectException(AdapterImportConfig.BASE_DIR + ": " + e.getMessage(), e);
        }
        store = new FilesystemAdapterStore(config.storeRoot);
        // every look must see the catalog as it is now, not as a cache remembers it
        catalog = CatalogLookup.builder(config.catalogUrl).maxAge(Duration.ZERO).build();
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (batch != null) {
            List<SourceRecord> records = new ArrayList<>();
            if (!unacknowledged.isEmpty()) {
                Thread.sleep(5);
                return null;
            }
            if (!folded(stage)) {
                if (System.currentTimeMillis() < stageDeadline) {
                    Thread.sleep(CATALOG_LOOK_MS); // the catalog folds and commits every ~100 ms: no need to ask more
                    return null;
                }
                records.addAll(giveUpOnStragglers(stage, Instant.now()));
                unacknowledged.addAll(records);
            }
            stage++;
            shown = 0;
            stageDeadline = System.currentTimeMillis() + config.catalogWaitMs;
            records.addAll(stage(stage));
            if (!records.isEmpty()) {
                return records;
            }
            LOG.info("adapter import: registered {} adapters", batch.size());
            batch = null;
        }
        List<String> next = nextPaths();
        if (next.isEmpty()) {
            Thread.sleep(Math.min(config.pollIntervalMs, 500));
            return null;
        }
        Instant now = Instant.now();
        List<SourceRecord> records = new ArrayList<>();
        batch = new ArrayList<>();
        for (String path : next) {
            done.add(path);
            try {
                batch.add(importOne(path, now));
            } catch (PeftAdapterCheck.RefusedException e) {
                records.add(refusal(path, e.getMessage(), now));
            }
        }
        stage = 0;
        shown = 0;
        stageDeadline = System.currentTimeMillis() + config.catalogWaitMs;
        records.addAll(stage(0));
        unacknowledged.addAll(records);
        return records;
    }

    /** Checks and stores one adapter; its events are sent by the stages that follow. */
    private Imported importOne(String path, Instant now) throws PeftAdapterCheck.RefusedException {
        String policyId = policyIdOf(path);
        Path dir = config.dir.resolve(path);
        PeftAdapterCheck.Checked checked = check.check(dir);
        var specProblem = PolicySpecChecks.problem(ImportEvents.spec(config, policyId, checked, now));
        if (specProblem.isPresent()) {
            throw new PeftAdapterCheck.RefusedException("its policy spec would be refused: " + specProblem.get());
        }
        StoredArtifact stored;
        try {
            stored = store.put(policyId, "sampler", config.revision, dir);
        } catch (AdapterStoreException e) {
            throw new PeftAdapterCheck.RefusedException(e.getMessage());
        }
        return new Imported(path, policyId, ImportEvents.of(config, policyId, checked, stored, path, now));
    }

    /** The records of stage {@code n} of the batch in flight (none once every stage is out). */
    private List<SourceRecord> stage(int n) {
        List<SourceRecord> records = new ArrayList<>();
        for (Imported adapter : batch) {
            if (n >= adapter.stages().size()) {
                continue;
            }
            ImportEvents.Staged staged = adapter.stages().get(n);
            boolean last = n == adapter.stages().size() - 1;
            Map<String, String> offset = last ? Map.of(STATE, IMPORTED) : Map.of(STATE, "stage-" + n);
            records.add(record(adapter.path(), offset, staged.topic(), staged.policyId(), staged.event()));
        }
        unacknowledged.addAll(records);
        return records;
    }

    /**
     * Whether the catalog shows stage {@code n} of every adapter of the batch: the policy (spec), its revision
     * (revision), the revision's adapter (export). The last stage needs no look: nothing is sent after it. Goes on
     * from the first adapter not shown at the last look.
     */
    private boolean folded(int n) {
        for (; shown < batch.size(); shown++) {
            if (!shows(batch.get(shown), n)) {
                return false;
            }
        }
        return true;
    }

    private boolean shows(Imported adapter, int n) {
        if (n >= adapter.stages().size() - 1) {
            return true;
        }
        Optional<CatalogEntry> entry;
        try {
            entry = catalog.entry(adapter.policyId());
        } catch (CatalogLookupException e) {
            LOG.warn("adapter import: the catalog did not answer for {} ({}); asking again", adapter.policyId(),
                    e.getMessage());
            return false; // a catalog restoring or rebalancing answers later; the stage deadline bounds the wait
        }
        Optional<RevisionInfo> revision = entry.flatMap(e -> e.getRevisions().stream()
                .filter(r -> r.getRevision().equals(config.revision)).findFirst());
        return switch (n) {
            case 0 -> entry.isPresent();
            case 1 -> revision.isPresent();
            default -> revision.map(r -> r.getAdapterUri() != null).orElse(false);
        };
    }

    /**
     * The catalog did not show stage {@code n} of some adapters in time: it refused their events (its own dead
     * letters say why, e.g. a policy id that exists with another base). They are refused here too and the rest go
     * on; when it showed none at all, the catalog is down or elsewhere, and the task fails to be restarted later.
     */
    private List<SourceRecord> giveUpOnStragglers(int n, Instant now) {
        List<Imported> stragglers = batch.stream().filter(a -> !shows(a, n)).toList();
        if (stragglers.size() == batch.size()) {
            throw new ConnectException("the catalog at " + config.catalogUrl + " showed stage " + n + " of none of "
                    + batch.size() + " adapters within " + config.catalogWaitMs + " ms: is it running?");
        }
        batch.removeAll(stragglers);
        List<SourceRecord> refusals = new ArrayList<>();
        for (Imported a : stragglers) {
            refusals.add(refusal(a.path(), "the catalog did not take its " + STAGES.get(n) + " within "
                    + config.catalogWaitMs + " ms (its reason is on the dead-letter topic under policy "
                    + a.policyId() + ")", now));
        }
        return refusals;
    }

    private SourceRecord refusal(String path, String reason, Instant now) {
        String message = "adapter " + path + " refused: " + reason;
        LOG.warn("adapter import: {}", message);
        DeadLetter letter = DeadLetters.of(EventIds.derived(config.dir + "/" + path, "adapter-refused"), now,
                new DeadLetters.Source("file:" + config.dir.resolve(path), 0, 0, null,
                        path.getBytes(StandardCharsets.UTF_8)),
                policyIdOf(path), "AdapterRefused", message, ImportEvents.PRODUCED_BY);
        return record(path, Map.of(STATE, REFUSED), config.deadLetterTopic, DeadLetters.recordKey(path), letter);
    }

    private SourceRecord record(String path, Map<String, String> offset, String topic, String key,
                                SpecificRecord event) {
        return new SourceRecord(partition(path), offset, topic, null, Schema.STRING_SCHEMA, key,
                data.toConnectSchema(event.getSchema()), data.toConnectValue(event.getSchema(), event),
                System.currentTimeMillis());
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        unacknowledged.remove(record);
    }

    /** Up to a batch of adapters not yet imported, scanning the tree again when the last scan's are all done. */
    private List<String> nextPaths() {
        if (pending.isEmpty() && System.currentTimeMillis() >= nextScan) {
            scan();
            nextScan = System.currentTimeMillis() + config.pollIntervalMs;
        }
        List<String> next = new ArrayList<>();
        while (!pending.isEmpty() && next.size() < config.batch) {
            next.add(pending.poll());
        }
        return next;
    }

    /** This task's adapters that neither this session nor a committed offset has finished, in path order. */
    private void scan() {
        List<String> found;
        try (Stream<Path> walk = Files.walk(config.dir)) {
            found = walk.filter(Files::isDirectory).filter(PeftAdapterCheck::isAdapter)
                    .map(p -> config.dir.relativize(p).toString())
                    .filter(rel -> !rel.isEmpty() && !done.contains(rel))
                    .filter(share::owns)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ConnectException("cannot list " + config.dir + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            return;
        }
        Map<Map<String, String>, Map<String, Object>> committed = context.offsetStorageReader()
                .offsets(found.stream().map(this::partition).toList());
        for (String rel : found) {
            Map<String, Object> offset = committed.get(partition(rel));
            Object state = offset == null ? null : offset.get(STATE);
            if (IMPORTED.equals(state) || REFUSED.equals(state)) {
                done.add(rel);
            } else {
                pending.add(rel);
            }
        }
        LOG.info("adapter import: {} adapters to import under {}", pending.size(), config.dir);
    }

    /** The policy an adapter becomes: the prefix and its path below the tree, '/' written as '.'. */
    private String policyIdOf(String path) {
        return config.policyPrefix + path.replace(java.io.File.separatorChar, '.');
    }

    private Map<String, String> partition(String path) {
        return SourcePartitions.of("adapters", config.dir.toString(), "adapter", path);
    }

    @Override
    public void stop() {
        if (catalog != null) {
            catalog.close();
        }
    }
}
