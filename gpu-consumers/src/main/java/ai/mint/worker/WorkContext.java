package ai.mint.worker;

import ai.mint.events.CatalogEntry;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionInfo;
import ai.mint.training.reward.RewardFunction;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.reward.RewardSpecException;
import ai.mint.training.reward.RewardSpecs;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the role handlers of one worker share: the model runtime, the followed catalog, the reward scorer, and the
 * checks every request goes through (the policy is known, uses this worker's base, has a reward that parses).
 */
public final class WorkContext implements AutoCloseable {

    private static final Duration CAUGHT_UP_WAIT = Duration.ofSeconds(3);

    private final String workerId;
    private final ModelRuntime runtime;
    private final CatalogFollower catalog;
    private final Duration catalogWait;
    private final RewardScorer scorer = new RewardScorer(Duration.ofSeconds(30));
    private final Map<String, RewardFunction> rewards = new ConcurrentHashMap<>();

    public WorkContext(String workerId, ModelRuntime runtime, CatalogFollower catalog, Duration catalogWait) {
        this.workerId = workerId;
        this.runtime = runtime;
        this.catalog = catalog;
        this.catalogWait = catalogWait;
    }

    public String workerId() {
        return workerId;
    }

    public ModelRuntime runtime() {
        return runtime;
    }

    public CatalogFollower catalog() {
        return catalog;
    }

    public RewardScorer scorer() {
        return scorer;
    }

    /** The policy's catalog entry, refusing unknown policies and policies over another base model. */
    public CatalogEntry policy(String policyId) {
        // once the follower has read the catalog's backlog, an absent policy is only a moment late or truly unknown
        Duration wait = catalog.caughtUp() && catalogWait.compareTo(CAUGHT_UP_WAIT) > 0 ? CAUGHT_UP_WAIT : catalogWait;
        CatalogEntry entry = catalog.awaitEntry(policyId, wait).orElseThrow(() -> new RejectedWorkException(
                RejectedWorkException.NOT_FOUND, "unknown policy '" + policyId + "': not in the catalog after "
                + wait.toMillis() + " ms", null));
        String base = entry.getSpec().getBaseModel();
        if (!base.equals(runtime.baseModel())) {
            throw new RejectedWorkException(RejectedWorkException.UNAVAILABLE, "policy '" + policyId
                    + "' uses base model '" + base + "'; this worker keeps '" + runtime.baseModel() + "' resident",
                    null);
        }
        return entry;
    }

    /** The policy's reward function, parsed once per spec text; a spec that does not parse is refused. */
    public RewardFunction reward(PolicySpec spec) {
        String text = spec.getRewardSpec();
        try {
            return rewards.computeIfAbsent(text, RewardSpecs::parse);
        } catch (RewardSpecException e) {
            throw new RejectedWorkException("policy '" + spec.getPolicyId() + "': reward_spec does not parse: "
                    + e.getMessage(), e);
        }
    }

    /** The sha-256 the catalog recorded for a revision, if it has one yet. */
    public String recordedSha(String policyId, String revision) {
        return catalog.revision(policyId, revision).map(RevisionInfo::getSha256).orElse(null);
    }

    @Override
    public void close() {
        scorer.close();
    }
}
