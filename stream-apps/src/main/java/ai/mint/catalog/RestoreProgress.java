package ai.mint.catalog;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far an instance has rebuilt its stores from their changelogs: records restored, and when restoring began and
 * last ended. A restarted instance with an empty state directory answers 503 until this is done.
 */
public final class RestoreProgress implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);

    private final long createdNanos = System.nanoTime();
    private final AtomicLong records = new AtomicLong();
    private final AtomicInteger restoring = new AtomicInteger();
    private volatile long firstStartNanos;
    private volatile long lastEndNanos;

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
        restoring.incrementAndGet();
        if (firstStartNanos == 0) {
            firstStartNanos = System.nanoTime();
        }
        LOG.debug("restoring {} from {} ({} records)", store, partition, endOffset - startOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
        records.addAndGet(restored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        restoring.decrementAndGet();
        lastEndNanos = System.nanoTime();
        LOG.debug("restored {} from {}: {} records", store, partition, totalRestored);
    }

    /** Records restored so far, over every store and partition. */
    public long records() {
        return records.get();
    }

    /** From the instance's start to its first restore (joining the group, getting tasks); zero if none began. */
    public Duration untilFirstRestore() {
        return firstStartNanos == 0 ? Duration.ZERO : Duration.ofNanos(firstStartNanos - createdNanos);
    }

    /** From the first restore's start to the last one's end; zero if none ended. */
    public Duration restoring() {
        return firstStartNanos == 0 || lastEndNanos == 0 ? Duration.ZERO
                : Duration.ofNanos(lastEndNanos - firstStartNanos);
    }
}
