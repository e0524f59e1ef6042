package ai.mint.chaos;

import ai.mint.client.MintClient;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.events.EvalSpec;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.TrainingSpec;
import ai.mint.events.UpdateResult;
import ai.mint.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A policy trained through the lifecycle while a fault happens, and the verdict on its steps from the update results
 * topic: how many steps were applied, how many were applied twice (one step number with two different results, i.e.
 * trained again rather than answered again), and whether the parent chain is continuous (step k starts from step
 * k-1's revision).
 */
public final class TrainingCheck {

    private static final String REWARD = "{\"type\":\"length_target\",\"target\":3,\"unit\":\"tokens\"}";

    private final PlatformConnection connection;
    private final String policyId;
    private final int steps;

    private TrainingCheck(PlatformConnection connection, String policyId, int steps) {
        this.connection = connection;
        this.policyId = policyId;
        this.steps = steps;
    }

    /** Creates a policy that trains {@code steps} steps (every evaluated revision is promoted). */
    public static TrainingCheck start(MintClient client, PlatformConnection connection, String policyId, int steps) {
        PolicySpec spec = PolicySpec.newBuilder()
                .setEventId("set-by-client").setPolicyId(policyId).setTime(Instant.now())
                .setBaseModel(ChaosPlatform.BASE)
                .setLora(LoraSpec.newBuilder().setRank(4).setAlpha(8).setTargetModules(List.of("q_proj", "v_proj"))
                        .build())
                .setRewardSpec(REWARD)
                .setTraining(TrainingSpec.newBuilder().setPrompts(List.of("ab", "cd")).setGroupSize(4)
                        .setSteps(steps).setLearningRate(0.05).setMaxTokens(6).setTemperature(1.0).setKlCoef(0)
                        .setSeed(5).build())
                .setEval(EvalSpec.newBuilder().setPrompts(List.of("ef")).setSamplesPerPrompt(2).setMetric("reward")
                        .build())
                .setGate(PromotionGate.newBuilder().setMetric("reward").setMinScore(-1e9).setMinImprovement(-1e9)
                        .build())
                .build();
        try {
            client.createPolicy(spec).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ChaosException("could not create training policy " + policyId + ": " + e, e);
        }
        return new TrainingCheck(connection, policyId, steps);
    }

    /** Distinct steps with a successful update result so far. */
    int stepsApplied() {
        return verdict().applied();
    }

    /** The steps as the update results topic holds them now. */
    public Verdict verdict() {
        List<UpdateResult> updates = EventLog.read(connection, Topics.UPDATE_RESULTS.name(), UpdateResult.class,
                u -> u.getPolicyId().equals(policyId) && u.getError() == null);
        Map<Integer, List<UpdateResult>> byStep = updates.stream()
                .collect(Collectors.groupingBy(UpdateResult::getStep, TreeMap::new, Collectors.toList()));
        // the same result published again (a redelivered request) carries the same event id: not a second step
        int twice = (int) byStep.values().stream()
                .filter(l -> l.stream().map(UpdateResult::getEventId).distinct().count() > 1).count();
        // steps 1..n without a gap, each after the first trained from the revision the step before produced (the
        // first starts from the base, whatever name the rollout gave it)
        String chainBreak = null;
        String parent = null;
        for (int step = 1; step <= byStep.size() && chainBreak == null; step++) {
            List<UpdateResult> results = byStep.get(step);
            if (results == null) {
                chainBreak = "step " + step + " missing (steps " + byStep.keySet() + ")";
            } else if (parent != null && !results.get(0).getBaseRevision().equals(parent)) {
                chainBreak = "step " + step + " trained from '" + results.get(0).getBaseRevision() + "', not from '"
                        + parent + "'";
            } else {
                parent = results.get(0).getNewRevision();
            }
        }
        return new Verdict(byStep.size(), steps, twice, chainBreak == null, chainBreak);
    }

    String policyId() {
        return policyId;
    }

    /**
     * @param applied    distinct steps trained
     * @param wanted     steps the policy asked for
     * @param twice      steps trained more than once
     * @param continuous each step's parent is the revision of the step before
     * @param chainBreak  where the chain breaks, or null
     */
    public record Verdict(int applied, int wanted, int twice, boolean continuous, String chainBreak) {
        public boolean complete() {
            return applied == wanted;
        }
    }
}
