package ai.mint.worker;

import ai.mint.events.CatalogEntry;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionInfo;
import ai.mint.training.reward.RewardFunction;
import ai.mint.training.reward.RewardScorer;
import ai.mint.training.reward.RewardSpecException;
import ai.mint.training.reward.RewardSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the role handlers of one worker share: the model runtime, the catalog, the reward scorer, and the
 * checks every request goes through (the policy is known, uses this worker's base, has a reward that parses).
 */
public final class WorkContext implements AutoCloseable {

    /**
     * What a request may ask of this worker and how long it waits: the longest completion and the most samples one
     * request may ask for, how long a reward may take, how long a request waits for an unknown policy once the
     * followed catalog has caught up, and how many tokens a streamed chunk holds.
     */
    public record Limits(int maxTokens, int maxSamples, Duration rewardTimeout, int rewardThreads,
                         Duration caughtUpWait, int streamChunkTokens) {

        /**
         * 512 tokens, 1024 samples, 30 s per reward on up to 64 threads, 3 s for a policy once caught up, 4 tokens
         * per streamed chunk.
         */
        public static final Limits DEFAULT = new Limits(512, 1024, Duration.ofSeconds(30),
                RewardScorer.DEFAULT_MAX_THREADS, Duration.ofSeconds(3), 4);
    }

    private final String workerId;
    private final ModelRuntime runtime;
    private final PolicyCatalog catalog;
    private final Duration catalogWait;
    private final Limits limits;
    private final RewardScorer scorer;
    private final Map<String, RewardFunction> rewards = new ConcurrentHashMap<>();
    // decoding text, scoring live rewards and publishing answers happen here, never on the model thread
    private final java.util.concurrent.ExecutorService replies = java.util.concurrent.Executors.newFixedThreadPool(2,
            r -> {
                Thread t = new Thread(r, "mint-inference-replies");
                t.setDaemon(true);
                return t;
            });
    private final UnknownPolicies unknownPolicies = new UnknownPolicies(Duration.ofSeconds(1));

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

    /** Where inference answers are built and published: off the model thread, which only decodes. */
    public java.util.concurrent.Executor replies() {
        return replies;
    }

    /** The policy's catalog entry, refusing unknown policies and policies over another base model. */
    public CatalogEntry policy(String policyId) {
        return policy(policyId, null);
    }

    /**
     * {@link #policy(String)} at {@code minVersion} or newer when the request names one (the entry version its sender
     * saw): a worker whose copy is older asks again rather than answer from a pointer its caller has seen move.
     */
    public CatalogEntry policy(String policyId, Long minVersion) {
        return policy(policyId, minVersion, null);
    }

    /**
     * {@link #policy(String, Long)} for a request sent at {@code sentAt} (null: just now). Once the catalog is caught
     * up, a request that has already waited in the topics and queues waits only the rest of the caught-up wait: a
     * policy the catalog still does not know was not created a moment before the request.
     */
    public CatalogEntry policy(String policyId, Long minVersion, Instant sentAt) {
        // once the catalog is caught up (a lookup always is), an absent policy is only a moment late or truly unknown
        Duration caughtUpWait = limits.caughtUpWait();
        boolean caughtUp = catalog.caughtUp();
        Duration wait = caughtUp && catalogWait.compareTo(caughtUpWait) > 0 ? caughtUpWait : catalogWait;
        if (caughtUp && minVersion == null && sentAt != null) {
            // requests a fresh scheduler replays (minutes old) for policies this catalog never had would otherwise
            // hold the worker the whole wait each
            Duration left = wait.minus(Duration.between(sentAt, Instant.now()));
            wait = left.isNegative() ? Duration.ZERO : left.compareTo(wait) > 0 ? wait : left;
        }
        // a policy found missing a moment ago is asked about once more, without waiting: a pack of requests for an
        // unknown policy would otherwise hold the worker for the wait once per request
        boolean missingJustNow = unknownPolicies.recentlyMissing(policyId);
        Duration thisWait = missingJustNow ? Duration.ZERO : wait;
        long atLeast = minVersion == null ? Long.MIN_VALUE : minVersion;
        Optional<CatalogEntry> found = catalog.awaitEntry(policyId, atLeast, thisWait);
        if (found.isEmpty()) {
            if (!missingJustNow) {
                unknownPolicies.missing(policyId);
            }
            throw new RejectedWorkException(RejectedWorkException.NOT_FOUND, "unknown policy '" + policyId
                    + "': not in the catalog after " + wait.toMillis() + " ms", null);
        }
        unknownPolicies.found(policyId);
        CatalogEntry entry = found.get();
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

    /**
     * The revision as the catalog recorded its export (address and checksum), never as a request states it: the
     * export result reaches the orchestrator and the catalog at once, so an export the catalog has not recorded yet is
     * waited for up to the caught-up wait. Refuses a revision the catalog does not know or has no export for.
     */
    public RevisionInfo exportedRevision(String policyId, String revision) {
        long deadline = System.nanoTime() + limits.caughtUpWait().toNanos();
        long pauseMs = 20;
        while (true) {
            Optional<RevisionInfo> known = catalog.revision(policyId, revision);
            if (known.isPresent() && known.get().getSha256() != null && known.get().getAdapterUri() != null) {
                return known.get();
            }
            if (System.nanoTime() >= deadline) {
                throw known.isEmpty()
                        ? new RejectedWorkException(RejectedWorkException.NOT_FOUND, "policy '" + policyId
                                + "' has no revision '" + revision + "' in the catalog", null)
                        : new RejectedWorkException(RejectedWorkException.UNAVAILABLE, "revision '" + revision
                                + "' of policy '" + policyId + "' has no export recorded in the catalog after "
                                + limits.caughtUpWait().toMillis() + " ms", null);
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedWorkException("interrupted while waiting for the export of " + policyId + "@"
                        + revision);
            }
            pauseMs = Math.min(pauseMs * 2, 200);
        }
    }

    @Override
    public void close() {
        replies.shutdown();
        try {
            replies.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scorer.close();
    }
}
