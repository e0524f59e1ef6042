package ai.mint.monitoring;

import ai.mint.common.ids.EventIds;
import ai.mint.events.Alert;
import ai.mint.events.AlertKind;
import ai.mint.events.WorkerStatus;
import java.time.Instant;
import java.util.Locale;

/**
 * The alert for a worker whose heartbeats stopped without a last ({@code leaving}) heartbeat: it crashed, hangs or
 * lost its connection, and the scheduler will take its packs back. Heartbeats are the signal the data supports on
 * the worker's own task: whether requests wait for a worker that answers nothing would need each policy's requests
 * (keyed by policy, on other tasks) and the placement, and a heartbeat's {@code queue_depth} also counts long
 * lifecycle work (training steps) that answers nothing on the response topics.
 */
final class SilentWorkers {

    private SilentWorkers() {
    }

    /**
     * @param silentMs   time since the last heartbeat, by the task's clock
     * @param silenceMs  the threshold ({@code alert.worker.silent.windows} windows)
     * @param closingAt  end of the windows closed when the silence was seen
     */
    static Alert alert(WorkerStatus last, long silentMs, long silenceMs, long closingAt, long nowMs) {
        long lastSeen = last.getTime().toEpochMilli();
        return Alert.newBuilder()
                // one alert per silence: the same last heartbeat raises the same alert when replayed
                .setEventId(EventIds.derived(last.getEventId(), "alert-" + AlertKind.WORKER_SILENT.name()))
                .setPolicyId("")
                .setTime(Instant.ofEpochMilli(nowMs))
                .setWorkerId(last.getWorkerId())
                .setKind(AlertKind.WORKER_SILENT)
                .setValue(silentMs / 1000.0)
                .setThreshold(silenceMs / 1000.0)
                .setThresholdSource(MonitorConfig.ALERT_WORKER_SILENT_WINDOWS)
                .setWindowStart(Instant.ofEpochMilli(lastSeen))
                .setWindowEnd(Instant.ofEpochMilli(closingAt))
                .setMessage(String.format(Locale.ROOT, "worker %s (run %s): no heartbeat for %.0f s (more than "
                                + "%.0f s) and no last heartbeat saying it was leaving", last.getWorkerId(),
                        last.getInstanceId(), silentMs / 1000.0, silenceMs / 1000.0))
                .build();
    }
}
