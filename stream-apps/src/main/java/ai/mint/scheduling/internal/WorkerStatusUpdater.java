package ai.mint.scheduling.internal;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global heartbeat store equal to the compacted worker-status topic: the latest heartbeat bytes per worker,
 * deleted on a tombstone. Bytes, not decoded records, so that the store reads the same whether Kafka Streams fills it
 * through this processor or restores it straight from the topic; {@link WorkerDirectory} decodes them.
 */
public final class WorkerStatusUpdater implements Processor<String, byte[], Void, Void> {

    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(SchedulerStores.WORKERS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
