package ai.mint.monitoring;

import ai.mint.topics.Topics;
import java.util.regex.Pattern;

/**
 * The topics the monitoring app reads and writes, by name; {@link #defaults()} are the platform's. Responses come from
 * the shared responses topic and from every instance's reply topic ({@code replyTopics}, a pattern): a gateway's
 * traffic is answered only on its own reply topic.
 */
public record MonitorTopics(String responses, Pattern replyTopics, String metrics, String deadLetter,
                            String workerStatus, String catalog, String policyViews, String workerViews,
                            String alerts) {

    public static MonitorTopics defaults() {
        return new MonitorTopics(Topics.INFERENCE_RESPONSES.name(),
                Pattern.compile(Pattern.quote(Topics.INFERENCE_REPLIES_PREFIX) + ".+"), Topics.METRICS.name(),
                Topics.DEAD_LETTER.name(), Topics.WORKER_STATUS.name(), Topics.CATALOG.name(),
                Topics.MONITOR_POLICIES.name(), Topics.MONITOR_WORKERS.name(), Topics.ALERTS.name());
    }
}
