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
 * What the role handlers of one worker share: the model runtime, the catalog, the reward scorer, and the
 * checks every request goes through (the policy is known, uses this worker's base, has a reward that parses).
 */
public final class WorkContext implements AutoCloseable {

    /**
     * What a request may ask of this worker and how long it waits: the longest completion and the most samples one
     * request may ask for, how long a reward may take, and how long a request waits for an unknown policy once the
     * followed catalog has caught up.
     */
    public record Limits(int maxTokens, int maxSamples, Duration rewardTimeout, int rewardThreads,
                         Duration caughtUpWait) {

        /** 512 tokens, 1024 samples, 30 s per reward on up to 64 threads, 3 s for a policy once caught up. */
        public static final Limits DEFAULT = new Limits(512, 1024, Duration.ofSeconds(30),
                RewardScorer.DEFAULT_MAX_THREADS, Duration.ofSeconds(3));
    }

    private final String workerId;
    private final ModelRuntime runtime;
    private final PolicyCatalog catalog;
    private final Duration catalogWait;
    private final Limits limits;
    private final RewardScorer scorer;
    private final Map<String, RewardFunction> rewards = new ConcurrentHashMap<>();

    public WorkContext(String workerId, ModelRuntime runtime, PolicyCatalog catalog, Duration catalogWait) {
        this(workerId, runtime, catalog, catalogWait, Limits.DEFAULT);
    }

    public WorkContext(String workerId, ModelRuntime runtime, PolicyCatalog catalog, Duration catalogWait,
                       Limits limits) {
        this.workerId = workerId;
        this.runtime = runtime;
        this.catalog = catalog;
        this.catalogWait = catalogWait;
        this.limits = limits;
        this.scorer = new RewardScorer(limits.rewardTimeout(), limits.rewardThreads());
    }

    public String workerId() {
        return workerId;
    }

    public ModelRuntime runtime() {
        return runtime;
    }

    public PolicyCatalog catalog() {
        return catalog;
    }

    public Limits limits() {
        return limits;
    }

    public RewardScorer scorer() {
        return scorer;
    }

    /** The policy's catalog entry, refusing unknown policies and policies over another base model. */
    public CatalogEntry policy(String policyId) {
        // once the catalog is caught up (a lookup always is), an absent policy is only a moment late or truly unknown
        Duration caughtUpWait = limits.caughtUpWait();
        Duration wait = catalog.caughtUp() && catalogWait.compareTo(caughtUpWait) > 0 ? caughtUpWait : catalogWait;
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
