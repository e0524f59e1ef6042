package ai.mint.orchestration;

import ai.mint.topics.Topics;

/**
 * The topics the orchestrator reads and writes, by name; {@link #defaults()} are the platform's.
 */
public record OrchestratorTopics(
        String catalog, String rolloutResults, String updateResults, String exportResults, String evalResults,
        String metrics, String rolloutRequests, String updateRequests, String exportRequests, String evalRequests,
        String rollbackRequests, String deadLetter, String feedbackExamples) {

    public static OrchestratorTopics defaults() {
        return new OrchestratorTopics(Topics.CATALOG.name(), Topics.ROLLOUT_RESULTS.name(),
                Topics.UPDATE_RESULTS.name(), Topics.EXPORT_RESULTS.name(), Topics.EVAL_RESULTS.name(),
                Topics.METRICS.name(), Topics.ROLLOUT_REQUESTS.name(), Topics.UPDATE_REQUESTS.name(),
                Topics.EXPORT_REQUESTS.name(), Topics.EVAL_REQUESTS.name(), Topics.ROLLBACK_REQUESTS.name(),
                Topics.DEAD_LETTER.name(), Topics.FEEDBACK_EXAMPLES.name());
    }
}
