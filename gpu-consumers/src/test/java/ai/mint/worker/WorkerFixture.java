package ai.mint.worker;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;

import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.events.AdamParams;
import ai.mint.events.CatalogEntry;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.RolloutRequest;
import ai.mint.events.SamplingParams;
import ai.mint.events.TrainingSpec;
import ai.mint.events.Trajectory;
import ai.mint.events.UpdateRequest;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.worker.store.AdapterStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The worker's roles on a real micro model and a real store, without Kafka: the catalog follower is never started and
 * is fed entries directly. Each {@link #worker} is a worker of its own (runtime, training service, trainer states)
 * over the store it is given; {@link #close} releases them all.
 */
final class WorkerFixture implements AutoCloseable {

    static final String BASE = "micro";

    /** The roles of one worker and what they share. */
    record Roles(WorkContext ctx, PolicyTrainers trainers, RolloutHandler rollout, UpdateHandler update,
                 ExportHandler export, EvalHandler eval) {
    }

    private final Path baseDir;
    private final List<AutoCloseable> open = new ArrayList<>();

    WorkerFixture(Path dir) {
        this.baseDir = dir.resolve(BASE);
        BaseModelInitializer.write(baseDir, TestModels.microDense(), 3L, DType.F32);
    }

    Roles worker(AdapterStore store, String... policies) {
        return worker(store, true, policies);
    }

    /** A worker whose catalog holds {@code policies}, with a training section (a lifecycle loop) or without one. */
    Roles worker(AdapterStore store, boolean lifecycle, String... policies) {
        ModelRuntime runtime = ModelRuntime.open(baseDir, "cpu", store, BASE);
        CatalogFollower catalog = new CatalogFollower(
                KafkaClients.of(PlatformConnection.of("127.0.0.1:1", "mock://worker-test")),
                SchemaRegistryClients.fromUrl("mock://worker-test"), "worker-test",
                RetryPolicy.DEFAULT); // never started: entries are handed in
        for (String p : policies) {
            CatalogEntry e = entry(p);
            catalog.accept(lifecycle ? e : CatalogEntry.newBuilder(e)
                    .setSpec(PolicySpec.newBuilder(e.getSpec()).setTraining(null).build()).build());
        }
        WorkContext ctx = new WorkContext("w", runtime, catalog, Duration.ofMillis(10));
        PolicyTrainers trainers = new PolicyTrainers(store, runtime);
        open.add(runtime);
        open.add(ctx);
        open.add(trainers);
        return new Roles(ctx, trainers, new RolloutHandler(ctx), new UpdateHandler(ctx, trainers),
                new ExportHandler(ctx, trainers), new EvalHandler(ctx));
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static CatalogEntry entry(String policy) {
        PolicySpec spec = PolicySpec.newBuilder().setEventId("s-" + policy).setPolicyId(policy).setTime(Instant.EPOCH)
                .setBaseModel(BASE)
                .setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8).setTargetModules(List.of("q_proj", "v_proj")).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"a\"}")
                .setTraining(TrainingSpec.newBuilder().setPrompts(List.of("x")).setGroupSize(4).setSteps(5)
                        .setLearningRate(0.05).setMaxTokens(4).setTemperature(1).setKlCoef(0).setSeed(policy.hashCode())
                        .build())
                .build();
        return CatalogEntry.newBuilder().setEventId("e-" + policy).setPolicyId(policy).setTime(Instant.EPOCH)
                .setSpec(spec).setRevisions(new ArrayList<>()).setHistory(new ArrayList<>()).setUpdatedAt(Instant.EPOCH)
                .build();
    }

    /** Four trajectories of two prompts with different rewards, the same for a given policy and step. */
    static UpdateRequest update(String policy, String base, int step) {
        Random rnd = new Random(policy.hashCode() * 31L + step);
        List<Trajectory> trajectories = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<Integer> completion = new ArrayList<>();
            List<Float> logprobs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                completion.add(97 + rnd.nextInt(20));
                logprobs.add(-2.0f - rnd.nextFloat());
            }
            trajectories.add(Trajectory.newBuilder().setPromptIndex(i / 2).setPromptTokens(List.of(120, 121))
                    .setCompletionTokens(completion).setCompletionText("").setLogprobs(logprobs)
                    .setReward((double) (i % 2)).build());
        }
        return UpdateRequest.newBuilder().setEventId(policy + "-update-" + step).setPolicyId(policy)
                .setTime(Instant.EPOCH).setCorrelationId("c").setProducedBy("test").setBaseRevision(base)
                .setTrajectories(trajectories).setAdam(AdamParams.newBuilder().setLearningRate(0.05).build())
                .setStep(step).build();
    }

    /** Rollouts of {@code revision} ("" = the base alone): 2 prompts x {@code group}, sampled at temperature 1. */
    static RolloutRequest rollout(String policy, String revision, int group, long seed) {
        return RolloutRequest.newBuilder().setEventId(policy + "-rollout-" + seed).setPolicyId(policy)
                .setTime(Instant.EPOCH).setCorrelationId("c").setProducedBy("test").setRevision(revision)
                .setPrompts(List.of("ab", "cde")).setGroupSize(group)
                .setSampling(SamplingParams.newBuilder().setMaxTokens(5).setTemperature(1.0).setSeed(seed).build())
                .build();
    }
}
