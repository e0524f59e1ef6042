package ai.mint.cli;

import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeSamplesTest {

    @Test
    void shouldHaveOneDecodableSampleOfTheRightTypeForEveryLifecycleTopic() {
        for (TopicSpec topic : SmokeCommand.LIFECYCLE_TOPICS) {
            assertThat(SmokeSamples.sample(topic)).as(topic.name()).isInstanceOf(TopicTypes.valueClass(topic));
        }
    }
}
