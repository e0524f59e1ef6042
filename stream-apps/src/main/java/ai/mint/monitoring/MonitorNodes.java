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
    /** Heartbeats folded per worker since its last view. */
    static final String WORKERS = "monitor-workers";
    /** The repartition topic that brings reply-topic responses to their policy's task. */
    static final String REPLIES = "monitor-replies";
    static final String REPLIES_TOPIC_SUFFIX = "-" + REPLIES + "-repartition";

    private MonitorNodes() {
    }
}
