package ai.mint.platform;

import ai.mint.topics.TopicSpec;

import java.util.List;

/**
 * What provisioning found or did for one topic.
 *
 * @param spec    the topic's definition
 * @param outcome created, already as defined, grown, or differing
 * @param drifts  what still differs after provisioning (empty unless {@code outcome} is {@link Outcome#DRIFT})
 */
public record TopicStatus(TopicSpec spec, Outcome outcome, List<TopicDrift> drifts) {

    /** The result for one topic. */
    public enum Outcome {
        /** The topic did not exist and was created from its definition. */
        CREATED,
        /** The topic exists and matches its definition. */
        OK,
        /** The topic had fewer partitions than defined and was grown; nothing else differed. */
        GROWN,
        /** The topic differs from its definition in a way the platform does not change by itself. */
        DRIFT
    }

    public TopicStatus {
        drifts = List.copyOf(drifts);
    }
}
