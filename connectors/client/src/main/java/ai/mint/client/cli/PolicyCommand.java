package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.client.MintClientException;
import ai.mint.common.cli.MintSubcommand;
import ai.mint.events.CatalogEntry;
import ai.mint.events.EvalSpec;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.PromotionGate;
import ai.mint.events.RegressionGuard;
import ai.mint.events.TrainingSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mint policy create|list|show|history|stop}: policies as the catalog holds them. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Create, list and inspect policies.",
        subcommands = {PolicyCommand.Create.class, PolicyCommand.ListPolicies.class, PolicyCommand.Show.class,
                PolicyCommand.History.class, PolicyCommand.Stop.class})
public final class PolicyCommand implements MintSubcommand {

    /** The policy's catalog entry once the client has caught up with the catalog; an error naming it when unknown. */
    static CatalogEntry knownPolicy(MintClient client, String policyId) {
        return client.awaitCatalog().policy(policyId)
                .orElseThrow(() -> new MintClientException("unknown policy '" + policyId + "'"));
    }

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

    /** {@code mint policy list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every policy in the catalog.")
    static final class ListPolicies implements Callable<Integer> {
        @Mixin ClientOptions client;

        @Override
        public Integer call() {
            try (MintClient c = client.connect()) {
                CatalogPrinter.list(c.awaitCatalog().listPolicies(), System.out);
                return 0;
            }
        }
    }

    /** {@code mint policy show POLICY}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a policy's spec and revisions.")
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "POLICY") String policyId;

        @Override
        public Integer call() {
            try (MintClient c = client.connect()) {
                CatalogPrinter.show(knownPolicy(c, policyId), System.out);
                return 0;
            }
        }
    }

    /** {@code mint policy history POLICY}. */
    @Command(name = "history", mixinStandardHelpOptions = true, description = "Every move of a policy's serving pointer.")
    static final class History implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "POLICY") String policyId;

        @Override
        public Integer call() {
            try (MintClient c = client.connect()) {
                CatalogPrinter.history(knownPolicy(c, policyId), System.out);
                return 0;
            }
        }
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
