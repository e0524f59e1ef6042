package ai.mint.scheduling;

import ai.mint.topics.Topics;

/**
 * The topics the scheduler reads and writes (tests pass their own names). Work items go to each worker's own topic
 * ({@link Topics#workTopic}), error answers to each request's reply topic; both are named per record.
 *
 * @param requests     inference requests, keyed by policy id
 * @param catalog      the compacted catalog (serving revision and adapter of each policy), keyed by policy id
 * @param workDone     workers' reports of answered pack requests, keyed by policy id
 * @param workerStatus worker heartbeats (compacted, keyed by worker id), read into a global store
 * @param responses    where a request without a reply topic is answered
 * @param deadLetter   where records that cannot be processed go
 */
public record SchedulerTopics(String requests, String catalog, String workDone, String workerStatus,
                              String responses, String deadLetter) {

    public static SchedulerTopics defaults() {
        return new SchedulerTopics(Topics.INFERENCE_REQUESTS.name(), Topics.CATALOG.name(), Topics.WORK_DONE.name(),
                Topics.WORKER_STATUS.name(), Topics.INFERENCE_RESPONSES.name(), Topics.DEAD_LETTER.name());
    }
}
