package ai.mint.catalog.internal;

import ai.mint.catalog.CatalogStores;
import ai.mint.catalog.internal.Rejection.Kind;
import ai.mint.common.decode.Failures;
import ai.mint.events.CatalogEntry;
import ai.mint.events.RollbackResult;
import ai.mint.events.ServeResult;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds decoded lifecycle events into the catalog store with {@link LifecycleRules}: drops duplicates, stores and
 * publishes the changed entry, publishes serve/rollback results, and sends refusals to the dead-letter topic. Any
 * failure on one record becomes a dead letter, so bad input never stops the app.
 */
public final class CatalogProcessor implements Processor<String, Object, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogProcessor.class);

    private final LifecycleRules rules;
    private final String appName;
    private final int recentIdsPerPolicy;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, CatalogEntry> entries;
    private KeyValueStore<String, RecentEventIds> recentIds;

    public CatalogProcessor(String appName, int recentIdsPerPolicy) {
        this.rules = new LifecycleRules(appName);
        this.appName = appName;
        this.recentIdsPerPolicy = recentIdsPerPolicy;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.entries = context.getStateStore(CatalogStores.ENTRIES);
        this.recentIds = context.getStateStore(CatalogStores.RECENT_EVENT_IDS);
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
        Outcome outcome = rules.apply(current, event);
        outcome.changedEntry().ifPresent(entry -> {
            entries.put(key, entry);
            context.forward(record.withValue((Object) entry), CatalogNodes.SINK_CATALOG);
        });
        for (SpecificRecord result : outcome.results()) {
            String sink = result instanceof ServeResult ? CatalogNodes.SINK_SERVE_RESULTS
                    : result instanceof RollbackResult ? CatalogNodes.SINK_ROLLBACK_RESULTS : null;
            if (sink == null) {
                throw new IllegalStateException("no sink for " + result.getSchema().getName());
            }
            context.forward(record.withValue((Object) result), sink);
        }
        outcome.rejection().ifPresent(rejection -> deadLetter(record, decoded, rejection));
        // Ids of unknown policies are not kept: anyone could otherwise grow the store with made-up keys.
        if (current != null || outcome.changedEntry().isPresent()) {
            recentIds.put(key, seen.with(header.eventId(), recentIdsPerPolicy));
        }
    }

    private void deadLetter(Record<String, Object> record, Decoded decoded, Rejection rejection) {
        String key = record.key() == null ? "" : record.key();
        var letter = SourceDeadLetters.of(context, key, decoded.rawKey(), decoded.rawValue(), rejection, appName,
                record.timestamp());
        context.forward(record.withKey(key).withValue((Object) letter), CatalogNodes.SINK_DEAD_LETTER);
    }
}
