package ai.mint.worker;

import ai.mint.common.decode.DecodeResult;
import ai.mint.common.decode.EventDecoder;
import ai.mint.common.decode.RetriableDecodeException;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.events.WorkItem;
import ai.mint.events.WorkKind;
import ai.mint.registry.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each work item read by the {@link PackIntake} goes: a pack to the {@link PackRunner}, a load to the model
 * runtime's prefetch (which loads the adapter off the model thread while earlier packs are answered). Items addressed
 * to another run of this worker id are dropped (the scheduler sends them again to a live run); items that do not
 * decode are dead-lettered.
 */
public final class WorkItemRouter {

    private static final Logger LOG = LoggerFactory.getLogger(WorkItemRouter.class);

    /** What a load item asks of the model runtime. */
    @FunctionalInterface
    public interface Loads {
        void prefetch(WorkItem load);
    }

    private final EventDecoder<WorkItem> decoder;
    private final WorkerOutputs outputs;
    private final String workerId;
    private final String instance;
    private final PackRunner runner;
    private final Loads loads;

    public WorkItemRouter(SchemaRegistryClient registry, RetryPolicy retry, WorkerOutputs outputs, String workerId,
                          String instance, PackRunner runner, Loads loads) {
        this.decoder = EventDecoder.of(registry, WorkItem.class, retry);
        this.outputs = outputs;
        this.workerId = workerId;
        this.instance = instance;
        this.runner = runner;
        this.loads = loads;
    }

    /** Handles one item; false when it must be read again later (the registry is down). */
    public boolean take(ConsumerRecord<String, byte[]> record) {
        DecodeResult<WorkItem> read;
        try {
            read = decoder.decode(record.topic(), record.key(), record.headers(), record.value());
        } catch (RetriableDecodeException e) {
            LOG.warn("{}: work item at offset {} cannot be read now, will retry: {}", workerId, record.offset(),
                    e.getMessage());
            return false;
        }
        if (!read.ok()) {
            outputs.deadLetter(record, record.key(), read.errorClass(), read.reason());
            return true;
        }
        WorkItem item = read.event();
        if (!item.getWorkerId().equals(workerId) || !item.getWorkerInstance().equals(instance)) {
            LOG.debug("{}: dropping {} {} addressed to {}/{}", workerId, item.getKind(), item.getPackId(),
                    item.getWorkerId(), item.getWorkerInstance());
            return true;
        }
        if (item.getKind() == WorkKind.LOAD) {
            loads.prefetch(item);
        } else {
            runner.submit(item, record);
        }
        return true;
    }
}
