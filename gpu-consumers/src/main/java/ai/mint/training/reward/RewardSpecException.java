package ai.mint.training.reward;

/** A reward spec that does not parse; the message names the JSON path and what is wrong there. */
public final class RewardSpecException extends IllegalArgumentException {

    public RewardSpecException(String path, String problem) {
        super("reward_spec" + path + ": " + problem);
    }

    public RewardSpecException(String path, String problem, Throwable cause) {
        super("reward_spec" + path + ": " + problem, cause);
    }
}
