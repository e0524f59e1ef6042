package ai.mint.scheduling.internal;

/** Names of the scheduler topology's nodes and the header that routes an error answer to its reply topic. */
public final class SchedulerNodes {

    public static final String SCHEDULER = "scheduler";
    public static final String WORKER_STATUS_UPDATER = "scheduler-worker-status";
    public static final String SINK_WORK = "sink-work-items";
    public static final String SINK_REPLIES = "sink-replies";
    public static final String SINK_DEAD_LETTER = "sink-dead-letters";
    /** Header carrying the topic an error answer goes to (the request's reply topic). */
    public static final String REPLY_TOPIC_HEADER = "mint.reply.topic";

    private SchedulerNodes() {
    }

    public static String source(String topic) {
        return "source-" + topic;
    }
}
