package ai.mint.client;

import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.RolloutResult;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.Topics;

/** The reply channels of the lifecycle stages, opened once per client when it first trains by hand. */
final class TrainingChannels implements AutoCloseable {

    final ReplyChannel<RolloutResult> rollouts;
    final ReplyChannel<UpdateResult> updates;
    final ReplyChannel<ExportResult> exports;
    final ReplyChannel<EvalResult> evals;

    TrainingChannels(KafkaClients clients, SchemaRegistryClient registry, String clientId) {
        rollouts = new ReplyChannel<>(clients, registry, Topics.ROLLOUT_RESULTS.name(), RolloutResult.class,
                RolloutResult::getCorrelationId, clientId + "-rollout");
        updates = new ReplyChannel<>(clients, registry, Topics.UPDATE_RESULTS.name(), UpdateResult.class,
                UpdateResult::getCorrelationId, clientId + "-update");
        exports = new ReplyChannel<>(clients, registry, Topics.EXPORT_RESULTS.name(), ExportResult.class,
                ExportResult::getCorrelationId, clientId + "-export");
        evals = new ReplyChannel<>(clients, registry, Topics.EVAL_RESULTS.name(), EvalResult.class,
                EvalResult::getCorrelationId, clientId + "-eval");
    }

    @Override
    public void close() {
        rollouts.close();
        updates.close();
        exports.close();
        evals.close();
    }
}
