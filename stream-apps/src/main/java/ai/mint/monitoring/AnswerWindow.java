package ai.mint.monitoring;

/**
 * What a tumbling window counts of the answers it folds, for a policy ({@link PolicyWindow}) or a worker
 * ({@link WorkerWindow}): responses, errors, generated tokens, the latencies of the successful ones, late events.
 * Public fields, so that they stay flat in the store's JSON beside the subclass's own.
 */
public abstract class AnswerWindow {

    public long start;
    public long requests;
    public long errors;
    public long completionTokens;
    public LatencySketch latencies = new LatencySketch();
    public long lateEvents;

    /** Counts one answer; true when it succeeded (only then is its latency in the sketch). */
    boolean addAnswer(boolean failed, long latencyMs, int tokens) {
        requests++;
        completionTokens += tokens;
        if (failed) {
            errors++; // an error answer's latency is 0 by contract: it would pull the percentiles down
            return false;
        }
        latencies.add(latencyMs);
        return true;
    }

    double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }
}
