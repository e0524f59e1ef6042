package ai.mint.monitoring;

/** Names of the monitoring app's stores, internal topics and nodes (every persistent part is named). */
final class MonitorNodes {

    /** Open policy windows, key {@code <19-digit window start>/<policy>}, so that closing scans only what is due. */
    static final String WINDOWS = "monitor-windows";
    /** Per task: the end of the last closed window ({@link #CLOSED_UP_TO}). */
    static final String CLOCK = "monitor-clock";
    static final String CLOSED_UP_TO = "closed-up-to";
    /** Reward thresholds from the policies' regression guards, by policy. */
    static final String GUARDS = "monitor-guards";
    /** Per worker: its latest heartbeat, heartbeats since its last view, its latest closed window of answers. */
    static final String WORKERS = "monitor-workers";
    /** Open windows of the workers' answers, key {@code <19-digit window start>/<worker>}. */
    static final String WORKER_WINDOWS = "monitor-worker-windows";
    /** Per task of the worker fold: the end of its last closed window ({@link #CLOSED_UP_TO}). */
    static final String WORKER_CLOCK = "monitor-worker-clock";
    /** The repartition topic that brings each response to the task of the worker that answered it. */
    static final String WORKER_ANSWERS = "monitor-worker-answers";
    static final String WORKER_ANSWERS_TOPIC_SUFFIX = "-" + WORKER_ANSWERS + "-repartition";
    /** The repartition topic that brings reply-topic responses to their policy's task. */
    static final String REPLIES = "monitor-replies";
    static final String REPLIES_TOPIC_SUFFIX = "-" + REPLIES + "-repartition";

    private MonitorNodes() {
    }
}
