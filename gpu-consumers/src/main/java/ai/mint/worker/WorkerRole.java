package ai.mint.worker;

import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import java.util.Arrays;
import java.util.Locale;

/** The kinds of work a worker can take, each with the request topic it consumes. */
public enum WorkerRole {
    ROLLOUT(Topics.ROLLOUT_REQUESTS),
    UPDATE(Topics.UPDATE_REQUESTS),
    EXPORT(Topics.EXPORT_REQUESTS),
    EVAL(Topics.EVAL_REQUESTS),
    INFERENCE(Topics.INFERENCE_REQUESTS),
    /** Calls of the Tinker-shaped training API (forward_backward, optim_step, sample, checkpoints, ...). */
    TRAINING(Topics.TRAINING_REQUESTS);

    private final TopicSpec requests;

    WorkerRole(TopicSpec requests) {
        this.requests = requests;
    }

    public TopicSpec requests() {
        return requests;
    }

    /** The role named {@code name} (any case), or an error listing the roles. */
    public static WorkerRole parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown worker role '" + name + "'; roles are "
                    + Arrays.stream(values()).map(r -> r.name().toLowerCase(Locale.ROOT)).toList(), e);
        }
    }
}
