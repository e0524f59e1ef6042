package ai.mint.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.client.MintClientException;
import ai.mint.events.PolicySpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PolicyCommandTest {

    private static PolicySpec specOf(String... args) {
        PolicyCommand.Create create = new PolicyCommand.Create();
        new CommandLine(create).parseArgs(args);
        return create.spec();
    }

    @Test
    void shouldBuildATrainingSpecWithEvalOnTheTrainingPromptsWhenStepsAreGiven() {
        PolicySpec spec = specOf("p1", "--reward", "{\"type\":\"contains\",\"text\":\"7\"}", "--steps", "3",
                "--prompts", "one|two", "--gate-min-score", "0.2", "--guard-max-drop", "0.1", "--rank", "4");

        assertThat(spec.getPolicyId()).isEqualTo("p1");
        assertThat(spec.getLora().getRank()).isEqualTo(4);
        assertThat(spec.getTraining().getSteps()).isEqualTo(3);
        assertThat(spec.getTraining().getPrompts()).containsExactly("one", "two");
        assertThat(spec.getEval().getPrompts()).containsExactly("one", "two");
        assertThat(spec.getGate().getMinScore()).isEqualTo(0.2);
        assertThat(spec.getRegressionGuard().getMaxDrop()).isEqualTo(0.1);
    }

    @Test
    void shouldLeaveTrainingEvalGateAndGuardOutWhenNotAskedFor() {
        PolicySpec spec = specOf("p2", "--reward", "{\"type\":\"valid_json\"}");

        assertThat(spec.getTraining()).isNull();
        assertThat(spec.getLabels()).isEmpty();
        assertThat(spec.getEval()).isNull();
        assertThat(spec.getGate()).isNull();
        assertThat(spec.getRegressionGuard()).isNull();
    }

    @Test
    void shouldPutRepeatedLabelsIntoTheSpec() {
        PolicySpec spec = specOf("p4", "--reward", "{}", "--label", "tenant=acme", "--label", "team=search");

        assertThat(spec.getLabels()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("tenant", "acme", "team",
                "search"));
    }

    @Test
    void shouldRefuseStepsWithoutPrompts() {
        assertThatThrownBy(() -> specOf("p3", "--reward", "{}", "--steps", "2"))
                .isInstanceOf(MintClientException.class).hasMessageContaining("--prompts");
    }
}
