package ai.mint.client.cli;

import ai.mint.client.MintClient;
import ai.mint.common.cli.MintSubcommand;
import ai.mint.events.SamplingParams;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mint sample POLICY PROMPT}: one completion from the policy's serving (or a pinned) revision. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample a completion from a policy.")
public final class SampleCommand implements MintSubcommand, Callable<Integer> {
    @Mixin ClientOptions client;
    @Parameters(index = "0", paramLabel = "POLICY") String policyId;
    @Parameters(index = "1", paramLabel = "PROMPT") String prompt;
    @Option(names = "--revision", description = "Pin a revision instead of the serving one.") String revision;
    @Option(names = "--max-tokens", defaultValue = "16") int maxTokens;
    @Option(names = "--temperature", defaultValue = "0") double temperature;
    @Option(names = "--seed") Long seed;

    @Override
    public Integer call() throws Exception {
        try (MintClient c = client.connect()) {
            var response = c.sample(policyId, prompt, SamplingParams.newBuilder().setMaxTokens(maxTokens)
                    .setTemperature(temperature).setSeed(seed).build(), revision).get();
            if (response.getError() != null) {
                System.err.println("error: " + response.getError());
                return 1;
            }
            System.out.println("[" + policyId + "@" + response.getRevision() + ", " + response.getLatencyMs() + " ms] "
                    + prompt + response.getCompletionText());
            return 0;
        }
    }
}
