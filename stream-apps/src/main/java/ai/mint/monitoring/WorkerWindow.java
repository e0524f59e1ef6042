package ai.mint.monitoring;

import ai.mint.events.WorkerView;
import java.time.Instant;

/**
 * What one worker answered in one tumbling window (the monitoring app's store value, as JSON): responses, errors,
 * latencies of the successful ones, generated tokens, late answers. Mutable: the processor reads it, adds one
 * answer and writes it back.
 */
public final class WorkerWindow extends AnswerWindow {

    public String worker;

    public WorkerWindow() {
    }

    WorkerWindow(String worker, long start) {
        this.worker = worker;
        this.start = start;
    }

    /** Sets this window's figures on a view. */
    WorkerView.Builder figures(WorkerView.Builder view, long sizeMs) {
        double seconds = sizeMs / 1000.0;
        return view.setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(start + sizeMs))
                .setRequests(requests)
                .setErrors(errors)
                .setRequestsPerSecond(requests / seconds)
                .setErrorRate(errorRate())
                .setLatencyP50Ms(latencies.quantile(0.50))
                .setLatencyP99Ms(latencies.quantile(0.99))
                .setCompletionTokens(completionTokens)
                .setTokensPerSecond(completionTokens / seconds);
    }
}
