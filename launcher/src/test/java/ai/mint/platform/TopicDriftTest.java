package ai.mint.platform;

import ai.mint.topics.CleanupPolicy;
import ai.mint.topics.TopicSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TopicDriftTest {

    private static final TopicSpec STREAM = new TopicSpec("t.stream", 3, (short) 3, CleanupPolicy.DELETE,
            Duration.ofDays(7), "string", "ai.mint.events.Metric", "test stream");
    private static final TopicSpec STATE = new TopicSpec("t.state", 3, (short) 3, CleanupPolicy.COMPACT,
            null, "string", "ai.mint.events.CatalogEntry", "test state");

    /** What a cluster reports for a topic created exactly from the spec on a cluster of {@code brokers}. */
    private static ObservedTopic asCreated(TopicSpec spec, int brokers) {
        Map<String, String> configs = new HashMap<>(spec.configs());
        configs.put("segment.bytes", "1073741824"); // other configs the broker reports must not count as drift
        return new ObservedTopic(spec.name(), spec.partitions(), Math.min(spec.replication(), brokers), configs);
    }

    @Test
    void shouldFindNoDriftInATopicCreatedFromItsSpec() {
        assertThat(TopicDrift.between(STREAM, asCreated(STREAM, 1), 1)).isEmpty();
        assertThat(TopicDrift.between(STATE, asCreated(STATE, 3), 3)).isEmpty();
    }

    @Test
    void shouldReportFewerPartitionsAsGrowableAndMoreAsNot() {
        ObservedTopic fewer = new ObservedTopic("t.stream", 1, 1, STREAM.configs());
        ObservedTopic more = new ObservedTopic("t.stream", 6, 1, STREAM.configs());

        assertThat(TopicDrift.between(STREAM, fewer, 1))
                .containsExactly(new TopicDrift("partitions", "3", "1", true));
        assertThat(TopicDrift.between(STREAM, more, 1))
                .containsExactly(new TopicDrift("partitions", "3", "6", false));
    }

    @Test
    void shouldReportADifferentCleanupPolicyAndRetentionAsNotGrowable() {
        ObservedTopic compactedStream = new ObservedTopic("t.stream", 3, 1,
                Map.of("cleanup.policy", "compact", "retention.ms", "-1", "max.message.bytes",
                        STREAM.configs().get("max.message.bytes")));

        List<TopicDrift> drifts = TopicDrift.between(STREAM, compactedStream, 1);

        assertThat(drifts).containsExactlyInAnyOrder(
                new TopicDrift("cleanup.policy", "delete", "compact", false),
                new TopicDrift("retention.ms", Long.toString(Duration.ofDays(7).toMillis()), "-1", false));
        assertThat(drifts).noneMatch(TopicDrift::growable);
    }

    @Test
    void shouldCompareReplicationAgainstTheSpecCappedAtTheBrokerCount() {
        ObservedTopic singleReplica = new ObservedTopic("t.state", 3, 1, STATE.configs());

        assertThat(TopicDrift.between(STATE, singleReplica, 1)).isEmpty();
        assertThat(TopicDrift.between(STATE, singleReplica, 3))
                .containsExactly(new TopicDrift("replication", "3", "1", false));
    }

    @Test
    void shouldTreatAMissingConfigAsDrift() {
        ObservedTopic noConfigs = new ObservedTopic("t.state", 3, 1, Map.of());

        assertThat(TopicDrift.between(STATE, noConfigs, 1)).extracting(TopicDrift::property)
                .containsExactlyInAnyOrder("cleanup.policy", "retention.ms", "max.message.bytes");
    }

    @Test
    void shouldMarkTheReportDriftingOnlyWhenATopicDiffers() {
        TopicStatus ok = new TopicStatus(STREAM, TopicStatus.Outcome.OK, List.of());
        TopicStatus drift = new TopicStatus(STATE, TopicStatus.Outcome.DRIFT,
                List.of(new TopicDrift("cleanup.policy", "compact", "delete", false)));

        assertThat(new ProvisionReport(List.of(ok), 1).hasDrift()).isFalse();
        ProvisionReport report = new ProvisionReport(List.of(ok, drift), 1);
        assertThat(report.hasDrift()).isTrue();
        assertThat(report.toTable()).contains("t.state").contains("cleanup.policy: wanted compact, found delete");
    }
}
