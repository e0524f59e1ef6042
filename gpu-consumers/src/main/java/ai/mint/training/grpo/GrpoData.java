package ai.mint.training.grpo;

import ai.mint.api.Datum;
import ai.mint.training.reward.RewardOutcome;

import java.util.ArrayList;
import java.util.List;

/**
 * GRPO's data preparation, the one place it is written: scored completions become policy-gradient examples with
 * group-relative advantages ({@link GroupAdvantages}, groups = prompts). Samples whose reward failed, and samples
 * with an empty prompt or completion, are left out of the batch entirely (and out of their group's statistics when
 * the reward failed): no reward, no signal.
 */
public final class GrpoData {

    /**
     * One scored completion: the prompt group it belongs to, its tokens, the log-prob of each completion token under
     * the revision that sampled it, and its reward.
     */
    public record Sample(int group, int[] promptTokens, int[] completion, float[] logprobs, RewardOutcome reward) {
    }

    private GrpoData() {
    }

    /** The examples to train on, in sample order, each with its group-relative advantage. */
    public static List<Datum> toData(List<Sample> samples, double epsilon) {
        int[] group = samples.stream().mapToInt(Sample::group).toArray();
        double[] advantages = GroupAdvantages.compute(samples.stream().map(Sample::reward).toList(), group, epsilon);
        List<Datum> data = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (s.reward().failed() || s.completion().length == 0 || s.promptTokens().length == 0) {
                continue;
            }
            data.add(Datum.rollout(s.promptTokens(), s.completion(), s.logprobs(), (float) advantages[i]));
        }
        return data;
    }
}
