package ai.mint.quickstart;

import ai.mint.client.MintClient;
import ai.mint.common.kafka.TopicFollower;
import ai.mint.common.cli.Sparkline;
import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.events.CatalogEntry;
import ai.mint.events.RevisionState;
import ai.mint.events.UpdateResult;
import ai.mint.topics.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The quickstart's live view: follows the update results (mean reward of each step's rollout group, per policy) and
 * the catalog, and prints one line per policy with its step, latest reward, reward curve and serving revision.
 */
final class ProgressBoard implements AutoCloseable {

    private static final int CURVE_WIDTH = 40;

    private final List<String> policies;
    private final int steps;
    private final MintClient client;
    private final Map<String, ConcurrentSkipListMap<Integer, Double>> rewards = new ConcurrentHashMap<>();
    private final TopicFollower<UpdateResult> updates;

    ProgressBoard(List<String> policies, int steps, MintClient client, PlatformConnection platform) {
        this.policies = policies;
        this.steps = steps;
        this.client = client;
        this.updates = new TopicFollower<>(KafkaClients.of(platform), platform.registry(), Topics.UPDATE_RESULTS.name(),
                UpdateResult.class, true, "quickstart-progress", this::record);
    }

    private void record(UpdateResult r) {
        if (r.getError() == null) {
            rewards.computeIfAbsent(r.getPolicyId(), p -> new ConcurrentSkipListMap<>()).put(r.getStep(), r.getMeanReward());
        }
    }

    /** Mean rollout reward per step of a policy, in step order. */
    List<Double> curve(String policy) {
        ConcurrentSkipListMap<Integer, Double> byStep = rewards.get(policy);
        return byStep == null ? List.of() : new ArrayList<>(byStep.values());
    }

    /**
     * The step of the newest evaluated revision (the loop's unit of progress; steps run in order). The entry carries
     * only the newest revisions, so this reads the step rather than counting revisions.
     */
    int evaluatedSteps(String policy) {
        return client.policy(policy).map(e -> e.getRevisions().stream()
                .filter(r -> r.getState() != RevisionState.TRAINED && r.getState() != RevisionState.EXPORTED)
                .mapToInt(r -> r.getStep()).max().orElse(0)).orElse(0);
    }

    boolean allDone() {
        return policies.stream().allMatch(p -> evaluatedSteps(p) >= steps);
    }

    void print(PrintWriter out, long elapsedSeconds) {
        out.printf(Locale.ROOT, "-- %3d s ----------------------------------------------------------------%n", elapsedSeconds);
        for (String p : policies) {
            List<Double> curve = curve(p);
            String serving = client.policy(p).map(CatalogEntry::getServingRevision).orElse(null);
            out.printf(Locale.ROOT, "  %-9s step %2d/%-2d  reward %5s  %-" + CURVE_WIDTH + "s  serving %s%n", p,
                    evaluatedSteps(p), steps, curve.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f",
                            curve.get(curve.size() - 1)), Sparkline.of(curve, CURVE_WIDTH), serving == null ? "-" : serving);
        }
        out.flush();
    }

    @Override
    public void close() {
        updates.close();
    }
}
