package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.client.MintClientException;
import ai.mint.common.catalog.CatalogApi;
import ai.mint.common.catalog.PolicyFilter;
import ai.mint.common.catalog.PolicySummary;
import ai.mint.common.catalog.lookup.CatalogLookup;
import ai.mint.common.catalog.lookup.Page;
import ai.mint.common.cli.MintSubcommand;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.EvalSpec;
import ai.mint.events.LoraSpec;
import ai.mint.events.PointerMoved;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.RegressionGuard;
import ai.mint.events.TrainingSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mint policy create|import|list|show|revisions|history|stop}: policies as the catalog holds them. Reads go
 * through the catalog's query API; writes (create, import, stop) through the policy-spec topic.
 */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Create, list and inspect policies.",
        subcommands = {PolicyCommand.Create.class, ImportCommand.class, PolicyCommand.ListPolicies.class,
                PolicyCommand.Show.class, PolicyCommand.Revisions.class, PolicyCommand.History.class,
                PolicyCommand.Stop.class})
public final class PolicyCommand implements MintSubcommand {

    /** {@code mint policy create}: publishes a policy spec and waits for the catalog to accept it. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create (or re-spec) a policy; with --steps it starts training at once.")
    static final class Create implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "POLICY") String policyId;
        @Option(names = "--base", defaultValue = "tiny", description = "Base model id (default: ${DEFAULT-VALUE}).") String base;
        @Option(names = "--reward", required = true, description = "Reward spec JSON, e.g. {\"type\":\"contains\",\"text\":\"7\"}.") String reward;
        @Option(names = "--rank", defaultValue = "8") int rank;
        @Option(names = "--alpha", defaultValue = "16") double alpha;
        @Option(names = "--targets", split = ",", defaultValue = "q_proj,v_proj") List<String> targets;
        @Option(names = "--prompts", split = "\\|", description = "Training prompts separated by '|'.") List<String> prompts;
        @Option(names = "--steps", defaultValue = "0", description = "Training steps (0: no training spec).") int steps;
        @Option(names = "--group-size", defaultValue = "8") int groupSize;
        @Option(names = "--lr", defaultValue = "0.02") double learningRate;
        @Option(names = "--max-tokens", defaultValue = "12") int maxTokens;
        @Option(names = "--temperature", defaultValue = "1.0") double temperature;
        @Option(names = "--kl", defaultValue = "0") double kl;
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Option(names = "--eval-prompts", split = "\\|", description = "Eval prompts separated by '|' (default: the training prompts).") List<String> evalPrompts;
        @Option(names = "--eval-samples", defaultValue = "4") int evalSamples;
        @Option(names = "--gate-min-score", description = "Promote an evaluated revision whose reward reaches this.") Double gateMinScore;
        @Option(names = "--gate-min-improvement", defaultValue = "0") double gateMinImprovement;
        @Option(names = "--guard-max-drop", description = "Roll back when the live reward drops by more than this.") Double guardMaxDrop;
        @Option(names = "--guard-window", defaultValue = "8") int guardWindow;
        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A spec label, repeatable; "
                + "tenant=NAME makes the policy that tenant's at the gateway.") Map<String, String> labels;

        @Override
        public Integer call() throws Exception {
            try (MintClient c = client.connect()) {
                CatalogEntry entry = c.createPolicy(spec()).get();
                System.out.println("policy " + entry.getPolicyId() + " is in the catalog"
                        + (steps > 0 ? "; training " + steps + " steps" : ""));
                return 0;
            }
        }

        PolicySpec spec() {
            PolicySpec.Builder b = PolicySpec.newBuilder().setEventId("set-by-client").setPolicyId(policyId)
                    .setTime(Instant.now()).setBaseModel(base).setRewardSpec(reward)
                    .setLora(LoraSpec.newBuilder().setRank(rank).setAlpha(alpha).setTargetModules(targets).build())
                    .setLabels(labels == null ? Map.of() : labels);
            if (steps > 0) {
                if (prompts == null || prompts.isEmpty()) {
                    throw new MintClientException("--steps needs --prompts 'first prompt|second prompt'");
                }
                b.setTraining(TrainingSpec.newBuilder().setPrompts(prompts).setGroupSize(groupSize).setSteps(steps)
                        .setLearningRate(learningRate).setMaxTokens(maxTokens).setTemperature(temperature)
                        .setKlCoef(kl).setSeed(seed).build());
                b.setEval(EvalSpec.newBuilder().setPrompts(evalPrompts != null ? evalPrompts : prompts)
                        .setSamplesPerPrompt(evalSamples).setMetric("reward").build());
            }
            if (gateMinScore != null) {
                b.setGate(PromotionGate.newBuilder().setMetric("reward").setMinScore(gateMinScore)
                        .setMinImprovement(gateMinImprovement).build());
            }
            if (guardMaxDrop != null) {
                b.setRegressionGuard(RegressionGuard.newBuilder().setMetric("reward").setMaxDrop(guardMaxDrop)
                        .setWindow(guardWindow).build());
            }
            return b.build();
        }
    }

    /** {@code mint policy list}: pages through the catalog's query API by cursor. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List policies in id order, a page at a time (--all follows every page), filtered by label, "
                    + "status and base model; --count prints only how many match.")
    static final class ListPolicies implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Option(names = "--after", paramLabel = "POLICY", description = "Start after this policy id (a page's cursor).")
        String after;
        @Option(names = "--limit", defaultValue = "50", description = "Policies per page, 1..1000 (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--all", description = "Follow the cursor to the last page.") boolean all;
        @Option(names = "--label", paramLabel = "KEY:VALUE", description = "Only policies with this label (repeatable).")
        List<String> labels = new ArrayList<>();
        @Option(names = "--status", description = "ACTIVE or STOPPED.") String status;
        @Option(names = "--base", paramLabel = "MODEL", description = "Only policies on this base model.") String base;
        @Option(names = "--count", description = "Print how many policies match, nothing else.") boolean count;

        @Override
        public Integer call() {
            if (limit < 1 || limit > CatalogApi.MAX_LIMIT) {
                throw new MintClientException("--limit must be in 1.." + CatalogApi.MAX_LIMIT + ", got " + limit);
            }
            PolicyFilter filter = filter();
            try (CatalogLookup lookup = CatalogOptions.lookup(client)) {
                if (count) {
                    System.out.println(lookup.count(filter));
                    return 0;
                }
                String cursor = after;
                long shown = 0;
                boolean first = true;
                do {
                    Page<PolicySummary> page = lookup.policies(filter, cursor, limit);
                    if (first) {
                        CatalogPrinter.listHeader(System.out); // once the catalog answered
                        first = false;
                    }
                    CatalogPrinter.summaries(page.items(), System.out);
                    shown += page.items().size();
                    cursor = page.nextCursor();
                } while (all && cursor != null);
                if (cursor != null) {
                    System.out.println("(" + shown + " shown; next page: --after " + cursor + ", or --all)");
                }
                return 0;
            }
        }

        PolicyFilter filter() {
            Map<String, List<String>> params = new HashMap<>();
            params.put(PolicyFilter.LABEL, labels);
            if (status != null) {
                params.put(PolicyFilter.STATUS, List.of(status));
            }
            if (base != null) {
                params.put(PolicyFilter.BASE_MODEL, List.of(base));
            }
            try {
                return PolicyFilter.fromQuery(params);
            } catch (IllegalArgumentException e) {
                throw new MintClientException(e.getMessage().replace(PolicyFilter.LABEL + " ", "--label ")
                        .replace(PolicyFilter.STATUS + " ", "--status "), e);
            }
        }
    }

    /** {@code mint policy show POLICY}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a policy's spec, serving revision and newest revisions.")
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "POLICY") String policyId;

        @Override
        public Integer call() {
            try (CatalogLookup lookup = CatalogOptions.lookup(client)) {
                CatalogPrinter.show(lookup.entry(policyId).orElseThrow(() -> unknown(policyId)), System.out);
                return 0;
            }
        }
    }

    /** {@code mint policy revisions POLICY}. */
    @Command(name = "revisions", mixinStandardHelpOptions = true,
            description = "Every revision of a policy, retired ones included, in revision-id order.")
    static final class Revisions implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "POLICY") String policyId;
        @Option(names = "--after", paramLabel = "REVISION", description = "Start after this revision.") String after;
        @Option(names = "--limit", defaultValue = "1000", description = "Revisions per request (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            try (CatalogLookup lookup = CatalogOptions.lookup(client)) {
                String cursor = after;
                boolean first = true;
                do {
                    Page<CatalogRevision> page = lookup.revisions(policyId, cursor, limit)
                            .orElseThrow(() -> unknown(policyId));
                    if (first) {
                        CatalogPrinter.revisionsHeader(System.out);
                        first = false;
                    }
                    CatalogPrinter.revisions(page.items(), System.out);
                    cursor = page.nextCursor();
                } while (cursor != null);
                return 0;
            }
        }
    }

    /** {@code mint policy history POLICY}: the audit log of the serving pointer, through the query API. */
    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Every move of a policy's serving pointer: when, from, to, kind, who, why.")
    static final class History implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "POLICY") String policyId;
        @Option(names = "--after", defaultValue = "0", paramLabel = "SEQ", description = "Start after this move.")
        int after;

        @Override
        public Integer call() {
            try (CatalogLookup lookup = CatalogOptions.lookup(client)) {
                int cursor = after;
                boolean first = true;
                while (true) {
                    Page<PointerMoved> page = lookup.history(policyId, cursor, CatalogApi.MAX_LIMIT)
                            .orElseThrow(() -> unknown(policyId));
                    if (first) {
                        CatalogPrinter.movesHeader(policyId, System.out);
                        first = false;
                    }
                    CatalogPrinter.moves(page.items(), System.out);
                    if (page.nextCursor() == null) {
                        return 0;
                    }
                    cursor = Integer.parseInt(page.nextCursor());
                }
            }
        }
    }

    private static MintClientException unknown(String policyId) {
        return new MintClientException("unknown policy '" + policyId + "'");
    }

    /** {@code mint policy stop POLICY}. */
    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a policy's training loop.")
    static final class Stop implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "POLICY") String policyId;

        @Override
        public Integer call() throws Exception {
            try (MintClient c = client.connect()) {
                c.awaitCatalog().stop(policyId).get();
                System.out.println("policy " + policyId + " stopped");
                return 0;
            }
        }
    }
}
