package ai.mint.catalog.internal;

import ai.mint.catalog.CatalogStores;
import ai.mint.catalog.RetentionSettings;
import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.common.decode.Failures;
import ai.mint.common.catalog.CatalogKeys;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMoved;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionRetired;
import ai.mint.events.RollbackResult;
import ai.mint.events.ServeResult;
import ai.mint.topics.Tenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds decoded lifecycle events into the catalog's stores with {@link LifecycleRules}: drops duplicates, stores and
 * publishes the changed entry, revisions, pointer moves and retirements, publishes serve/rollback results, and sends
 * refusals to the dead-letter topic. Any failure on one record becomes a dead letter, so bad input never stops the
 * app. On a wall-clock schedule it retires revisions whose time to live has ended.
 */
public final class CatalogProcessor implements Processor<String, Object, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogProcessor.class);
    /** Expiries handled per punctuation, so that one punctuation never holds the task for long. */
    private static final int EXPIRIES_PER_PUNCTUATION = 10_000;
    private static final String NO_VALUE = "";

    private final LifecycleRules rules;
    private final String appName;
    private final int recentIdsPerPolicy;
    private final RetentionSettings retention;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, CatalogEntry> entries;
    private KeyValueStore<String, RecentEventIds> recentIds;
    private KeyValueStore<String, CatalogRevision> revisions;
    private KeyValueStore<String, PointerMoved> history;
    private KeyValueStore<String, String> expiries;
    private RevisionSource stored;

    public CatalogProcessor(String appName, int recentIdsPerPolicy, RetentionSettings retention) {
        this.rules = new LifecycleRules(appName, retention);
        this.appName = appName;
        this.recentIdsPerPolicy = recentIdsPerPolicy;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.entries = context.getStateStore(CatalogStores.ENTRIES);
        this.recentIds = context.getStateStore(CatalogStores.RECENT_EVENT_IDS);
        this.revisions = context.getStateStore(CatalogStores.REVISIONS);
        this.history = context.getStateStore(CatalogStores.HISTORY);
        this.expiries = context.getStateStore(CatalogStores.EXPIRIES);
        this.stored = new StoredRevisions(revisions);
        context.schedule(retention.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::retireExpired);
    }

    @Override
    public void process(Record<String, Object> record) {
        Decoded decoded = (Decoded) record.value();
        try {
            fold(record, decoded);
        } catch (RuntimeException e) {
            if (Failures.isRetriable(e)) {
                throw e; // the registry or the broker failed, not the record: the task retries it from its last commit
            }
            LOG.warn("refusing record of {}: {}", record.key(), e.toString());
            deadLetter(record, decoded, new Rejection(Kind.PROCESSING_ERROR, e.getClass().getSimpleName() + ": "
                    + DecodeProcessor.rootMessage(e)));
        }
    }

    private void fold(Record<String, Object> record, Decoded decoded) {
        SpecificRecord event = decoded.event();
        EventHeader header;
        try {
            header = EventHeader.of(event);
        } catch (IllegalArgumentException e) {
            deadLetter(record, decoded, new Rejection(Kind.UNDESERIALIZABLE, e.getMessage()));
            return;
        }
        String key = record.key();
        if (!header.policyId().equals(key)) {
            deadLetter(record, decoded, new Rejection(Kind.KEY_MISMATCH, "record key '" + key + "' is not its policy_id '"
                    + header.policyId() + "'; events must be keyed by policy id to stay ordered"));
            return;
        }
        RecentEventIds seen = Optional.ofNullable(recentIds.get(key)).orElse(RecentEventIds.empty());
        if (seen.contains(header.eventId())) {
            LOG.debug("dropping duplicate event {} of policy {}", header.eventId(), key);
            return;
        }
        CatalogEntry current = entries.get(key);
        Outcome outcome = rules.apply(current, event, stored);
        boolean fromTenant = context.recordMetadata().map(m -> Tenant.ofTopic(m.topic()).isPresent()).orElse(false);
        outcome.change().ifPresent(change -> write(change, record.timestamp()));
        for (SpecificRecord result : outcome.results()) {
            String sink = result instanceof ServeResult ? CatalogNodes.SINK_SERVE_RESULTS
                    : result instanceof RollbackResult ? CatalogNodes.SINK_ROLLBACK_RESULTS : null;
            if (sink == null) {
                throw new IllegalStateException("no sink for " + result.getSchema().getName());
            }
            context.forward(record.withValue((Object) result), sink);
            if (fromTenant) {
                context.forward(record.withValue((Object) result), result instanceof ServeResult
                        ? CatalogNodes.SINK_TENANT_SERVE_RESULTS : CatalogNodes.SINK_TENANT_ROLLBACK_RESULTS);
            }
        }
        outcome.rejection().ifPresent(rejection -> deadLetter(record, decoded, rejection));
        // Ids of unknown policies are not kept: anyone could otherwise grow the store with made-up keys.
        if (current != null || outcome.change().isPresent()) {
            recentIds.put(key, seen.with(header.eventId(), recentIdsPerPolicy));
        }
    }

    /** Stores and publishes everything one change wrote. */
    private void write(Outcome.Change change, long timestamp) {
        CatalogEntry entry = change.entry();
        String policy = entry.getPolicyId();
        entries.put(policy, entry);
        context.forward(new Record<>(policy, (Object) entry, timestamp), CatalogNodes.SINK_CATALOG);
        for (CatalogRevision revision : change.revisions()) {
            RevisionInfo info = revision.getRevision();
            String key = CatalogKeys.revisionKey(policy, info.getRevision());
            revisions.put(key, revision);
            indexExpiry(policy, info);
            context.forward(new Record<>(key, (Object) revision, timestamp), CatalogNodes.SINK_REVISIONS);
        }
        for (PointerMoved move : change.moves()) {
            history.put(CatalogKeys.historyKey(policy, move.getSequence()), move);
            context.forward(new Record<>(policy, (Object) move, timestamp), CatalogNodes.SINK_HISTORY);
        }
        for (RevisionRetired retired : change.retirements()) {
            context.forward(new Record<>(policy, (Object) retired, timestamp), CatalogNodes.SINK_RETIREMENTS);
        }
    }

    /** A revision with a time to live is in the expiry index until it expires or is retired otherwise. */
    private void indexExpiry(String policy, RevisionInfo info) {
        if (info.getExpiresAt() == null) {
            return;
        }
        String key = ExpiryKeys.of(info.getExpiresAt(), policy, info.getRevision());
        if (RetentionRules.isRetired(info)) {
            expiries.delete(key);
        } else {
            expiries.put(key, NO_VALUE);
        }
    }

    /** Retires the revisions whose time to live ended by {@code now} (epoch millis), oldest first. */
    private void retireExpired(long now) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = expiries.range(null, ExpiryKeys.dueBy(now))) {
            while (it.hasNext() && due.size() < EXPIRIES_PER_PUNCTUATION) {
                due.add(it.next().key);
            }
        }
        for (String key : due) {
            String revisionKey = ExpiryKeys.revisionKeyOf(key);
            String policy = CatalogKeys.policyOf(revisionKey);
            try {
                Outcome outcome = rules.expire(entries.get(policy), CatalogKeys.suffixOf(revisionKey),
                        Instant.ofEpochMilli(now), stored);
                outcome.change().ifPresent(change -> write(change, now));
            } catch (RuntimeException e) {
                LOG.warn("cannot retire expired revision {}: {}", revisionKey, e.toString());
            }
            expiries.delete(key); // retired, protected (and so kept for good), or gone: never looked at again
        }
        if (!due.isEmpty()) {
            LOG.debug("looked at {} expired revisions", due.size());
        }
    }

    private void deadLetter(Record<String, Object> record, Decoded decoded, Rejection rejection) {
        String key = record.key() == null ? "" : record.key();
        var letter = SourceDeadLetters.of(context, key, decoded.rawKey(), decoded.rawValue(), rejection, appName,
                record.timestamp());
        context.forward(record.withKey(key).withValue((Object) letter), CatalogNodes.SINK_DEAD_LETTER);
    }
}
