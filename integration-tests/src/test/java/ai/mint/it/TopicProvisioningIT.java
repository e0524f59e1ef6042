package ai.mint.it;

import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.ProvisionReport;
import ai.mint.platform.TopicDrift;
import ai.mint.platform.TopicProvisioner;
import ai.mint.platform.TopicStatus.Outcome;
import ai.mint.topics.CleanupPolicy;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Topic provisioning against the real broker: idempotent, and honest about topics that differ. */
@ExtendWith(SharedPlatform.class)
class TopicProvisioningIT {

    private Admin admin;
    private TopicProvisioner provisioner;

    @BeforeEach
    void connect(EmbeddedPlatform platform) {
        admin = Events.clients(platform.bootstrapServers()).admin("it-admin");
        provisioner = new TopicProvisioner(admin, Duration.ofSeconds(20));
    }

    @AfterEach
    void disconnect() {
        admin.close();
    }

    private static TopicSpec stream(String name) {
        return new TopicSpec(name, 3, (short) 3, CleanupPolicy.DELETE, Duration.ofDays(7), "string",
                "ai.mint.events.Metric", "test topic");
    }

    @Test
    void shouldFindEveryPlatformTopicAsDefinedOnEveryLaterRun() {
        ProvisionReport first = provisioner.provision(Topics.ALL, false);
        ProvisionReport second = provisioner.provision(Topics.ALL, false);

        // the platform provisioned them at start-up, so both runs only check
        assertThat(first.withOutcome(Outcome.OK)).hasSize(Topics.ALL.size());
        assertThat(second).isEqualTo(first);
        assertThat(first.hasDrift()).isFalse();
    }

    @Test
    void shouldCreateAMissingTopicOnceAndFromItsDefinition() throws Exception {
        TopicSpec spec = stream("it.created." + UUID.randomUUID());

        assertThat(provisioner.provision(List.of(spec), false).status(spec.name()).outcome()).isEqualTo(Outcome.CREATED);
        assertThat(provisioner.provision(List.of(spec), false).status(spec.name()).outcome()).isEqualTo(Outcome.OK);
        assertThat(partitions(spec.name())).isEqualTo(3);
        assertThat(config(spec.name(), "retention.ms")).isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
    }

    @Test
    void shouldReportWrongPartitionsAndCleanupPolicyAndGrowOnlyThePartitions() throws Exception {
        TopicSpec spec = stream("it.wrong." + UUID.randomUUID());
        admin.createTopics(List.of(new NewTopic(spec.name(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")))).all().get();

        ProvisionReport checked = provisioner.provision(List.of(spec), false);

        assertThat(checked.hasDrift()).isTrue();
        // retention.ms is the broker default (7 days), which is what the spec wants: not drift
        assertThat(checked.status(spec.name()).drifts()).extracting(TopicDrift::property)
                .containsExactlyInAnyOrder("partitions", "cleanup.policy");
        assertThat(partitions(spec.name())).as("checking changes nothing").isEqualTo(1);
        assertThat(config(spec.name(), TopicSpec.MAX_MESSAGE_BYTES)).as("the record bound is set, not reported")
                .isEqualTo(Integer.toString(Topics.MAX_RECORD_BYTES));

        ProvisionReport grown = provisioner.provision(List.of(spec), true);

        assertThat(partitions(spec.name())).isEqualTo(3);
        assertThat(config(spec.name(), "cleanup.policy")).as("never changed silently").isEqualTo("compact");
        assertThat(grown.status(spec.name()).outcome()).isEqualTo(Outcome.DRIFT);
        assertThat(grown.status(spec.name()).drifts())
                .containsExactly(new TopicDrift("cleanup.policy", "delete", "compact", false));
    }

    @Test
    void shouldGrowATopicWhoseOnlyDifferenceIsFewerPartitions() throws Exception {
        TopicSpec spec = stream("it.small." + UUID.randomUUID());
        admin.createTopics(List.of(new NewTopic(spec.name(), 2, (short) 1).configs(spec.configs()))).all().get();

        assertThat(provisioner.provision(List.of(spec), true).status(spec.name()).outcome()).isEqualTo(Outcome.GROWN);
        assertThat(provisioner.provision(List.of(spec), true).status(spec.name()).outcome()).isEqualTo(Outcome.OK);
        assertThat(partitions(spec.name())).isEqualTo(3);
    }

    private int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    private String config(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry entry = admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name);
        return entry.value();
    }
}
