package ai.mint.training.reward;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RewardSpecsTest {

    private static double score(String spec, String completion) throws Exception {
        return RewardSpecs.parse(spec).score(new RewardInput("p", completion, completion.length(), null));
    }

    private static double score(String spec, String completion, int tokens, String reference) throws Exception {
        return RewardSpecs.parse(spec).score(new RewardInput("p", completion, tokens, reference));
    }

    @Test
    void shouldScoreEachBuiltInType() throws Exception {
        assertThat(score("{\"type\":\"exact_match\",\"expected\":\"Paris\"}", " Paris\n")).isEqualTo(1.0);
        assertThat(score("{\"type\":\"exact_match\",\"expected\":\"Paris\"}", "paris")).isEqualTo(0.0);
        assertThat(score("{\"type\":\"exact_match\",\"expected\":\"Paris\",\"ignore_case\":true}", "paris")).isEqualTo(1.0);
        assertThat(score("{\"type\":\"regex\",\"pattern\":\"\\\\d{3}\"}", "code 123!")).isEqualTo(1.0);
        assertThat(score("{\"type\":\"regex\",\"pattern\":\"\\\\d{3}\",\"full_match\":true}", "code 123!")).isEqualTo(0.0);
        assertThat(score("{\"type\":\"contains\",\"text\":\"7\"}", "a7b")).isEqualTo(1.0);
        assertThat(score("{\"type\":\"contains\",\"text\":\"7\"}", "ab")).isEqualTo(0.0);
        assertThat(score("{\"type\":\"numeric\",\"expected\":3.5,\"tolerance\":0.01}", "so 2 then 3.504")).isEqualTo(1.0);
        assertThat(score("{\"type\":\"numeric\",\"expected\":3.5,\"tolerance\":0.001}", "so 3.504")).isEqualTo(0.0);
        assertThat(score("{\"type\":\"numeric\",\"expected\":-2}", "answer: -2")).isEqualTo(1.0);
        assertThat(score("{\"type\":\"numeric\",\"expected\":1}", "no number")).isEqualTo(0.0);
        assertThat(score("{\"type\":\"valid_json\"}", " {\"a\": [1, 2]} ")).isEqualTo(1.0);
        assertThat(score("{\"type\":\"valid_json\"}", "{\"a\": 1} trailing")).isEqualTo(0.0);
        assertThat(score("{\"type\":\"valid_json\",\"require_object\":true}", "[1]")).isEqualTo(0.0);
    }

    @Test
    void shouldGiveLengthTargetFullRewardAtTargetAndLessFurtherAway() throws Exception {
        String spec = "{\"type\":\"length_target\",\"target\":5}";
        assertThat(score(spec, "x", 5, null)).isEqualTo(1.0);
        assertThat(score(spec, "x", 4, null)).isEqualTo(0.8);
        assertThat(score(spec, "x", 7, null)).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(score(spec, "x", 12, null)).isEqualTo(0.0);
        assertThat(score("{\"type\":\"length_target\",\"target\":2,\"unit\":\"words\"}", " two words ", 9, null)).isEqualTo(1.0);
        assertThat(score("{\"type\":\"length_target\",\"target\":4,\"unit\":\"chars\"}", "abcd", 1, null)).isEqualTo(1.0);
    }

    @Test
    void shouldUseThePromptReferenceWhenTheSpecHasNoExpectedAnswer() throws Exception {
        assertThat(score("{\"type\":\"exact_match\"}", "42", 1, "42")).isEqualTo(1.0);
        assertThat(score("{\"type\":\"numeric\",\"tolerance\":0.5}", "about 10.2", 1, "#### 10")).isEqualTo(1.0);
        assertThatThrownBy(() -> score("{\"type\":\"numeric\"}", "1", 1, null))
                .hasMessageContaining("no expected answer");
    }

    @Test
    void shouldCombineWeightedTermsSyncAndAsyncAlike() throws Exception {
        String spec = "{\"type\":\"weighted\",\"terms\":["
                + "{\"weight\":0.75,\"reward\":{\"type\":\"contains\",\"text\":\"7\"}},"
                + "{\"weight\":0.25,\"reward\":{\"type\":\"length_target\",\"target\":4,\"unit\":\"chars\"}}]}";
        RewardFunction reward = RewardSpecs.parse(spec);
        RewardInput input = new RewardInput("p", "77", 2, null);
        double sync = reward.score(input);
        double async = reward.scoreAsync(input, Runnable::run).get();
        assertThat(sync).isEqualTo(0.75 + 0.25 * 0.5);
        assertThat(async).isEqualTo(sync);
    }

    @Test
    void shouldRouteExternalTermsToTheClient() throws Exception {
        ExternalRewardClient judge = (evaluator, in) ->
                CompletableFuture.completedFuture(evaluator.equals("judge") ? in.completion().length() / 10.0 : -1.0);
        RewardFunction reward = RewardSpecs.parse("{\"type\":\"external\",\"evaluator\":\"judge\",\"timeout_ms\":500}", judge);
        assertThat(reward.score(RewardInput.of("p", "abc", 1))).isEqualTo(0.3);
        assertThat(reward.describe()).contains("judge").contains("500");
    }

    @Test
    void shouldNameThePathAndProblemOfABadSpec() {
        assertThatThrownBy(() -> RewardSpecs.parse("{\"type\":\"contain\",\"text\":\"7\"}"))
                .isInstanceOf(RewardSpecException.class)
                .hasMessageContaining("reward_spec.type").hasMessageContaining("unknown type 'contain'");
        assertThatThrownBy(() -> RewardSpecs.parse("{\"type\":\"weighted\",\"terms\":[{\"weight\":1,"
                + "\"reward\":{\"type\":\"numeric\",\"expected\":1,\"tolerence\":0.1}}]}"))
                .hasMessageStartingWith("reward_spec.terms[0].reward.tolerence: unknown field");
        assertThatThrownBy(() -> RewardSpecs.parse("{\"type\":\"regex\",\"pattern\":\"(\"}"))
                .hasMessageContaining("reward_spec.pattern: is not a valid regular expression");
        assertThatThrownBy(() -> RewardSpecs.parse("{\"type\":\"length_target\",\"target\":0}"))
                .hasMessageContaining("reward_spec.target: must be a positive integer");
        assertThatThrownBy(() -> RewardSpecs.parse("{\"type\":\"length_target\",\"target\":3,\"unit\":\"bytes\"}"))
                .hasMessageContaining("reward_spec.unit: unknown unit 'bytes'");
        assertThatThrownBy(() -> RewardSpecs.parse("{\"type\":\"numeric\",\"tolerance\":-1}"))
                .hasMessageContaining("reward_spec.tolerance");
        assertThatThrownBy(() -> RewardSpecs.parse("{not json"))
                .hasMessageContaining("reward_spec: is not valid JSON");
        assertThatThrownBy(() -> RewardSpecs.parse(""))
                .hasMessageContaining("reward_spec: is empty");
        assertThatThrownBy(() -> RewardSpecs.parse("{\"type\":\"weighted\",\"terms\":[]}"))
                .hasMessageContaining("reward_spec.terms: must be a non-empty array");
        assertThatThrownBy(() -> RewardSpecs.parse("{\"expected\":\"x\"}"))
                .hasMessageContaining("reward_spec.type: missing");
    }
}
