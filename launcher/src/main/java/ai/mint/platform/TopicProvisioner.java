package ai.mint.platform;

import ai.mint.topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Makes a cluster's topics match their definitions: creates the missing ones (replication capped at the broker
 * count), checks the existing ones, and grows a topic that has fewer partitions than defined when asked to. A topic
 * whose cleanup policy, retention or replication differs is reported, never changed: that would silently change what
 * the topic keeps. The record-size bound ({@code max.message.bytes}) is set on existing topics too, since it changes
 * nothing they hold and producers are bounded alike. Running it again changes nothing.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /**
     * Creates missing topics and checks existing ones against {@code specs}.
     *
     * @param growPartitions add partitions to topics that have fewer than defined (keys of existing records then
     *                       map to other partitions, so this is opt-in on a cluster that already holds data)
     */
    public ProvisionReport provision(Collection<TopicSpec> specs, boolean growPartitions) {
        int brokers = await(admin.describeCluster().nodes(), "describe the cluster").size();
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        List<TopicStatus> statuses = new ArrayList<>();
        List<TopicSpec> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
        Set<String> createdByUs = create(missing, brokers);
        List<TopicSpec> present = specs.stream().filter(s -> !createdByUs.contains(s.name())).toList();
        Map<String, ObservedTopic> observed = observe(present);
        for (TopicSpec spec : specs) {
            if (createdByUs.contains(spec.name())) {
                statuses.add(new TopicStatus(spec, TopicStatus.Outcome.CREATED, List.of()));
            } else {
                statuses.add(check(spec, observed.get(spec.name()), brokers, growPartitions));
            }
        }
        ProvisionReport report = new ProvisionReport(statuses, brokers);
        LOG.info("topics: {} created, {} as defined, {} grown, {} differing",
                report.withOutcome(TopicStatus.Outcome.CREATED).size(), report.withOutcome(TopicStatus.Outcome.OK).size(),
                report.withOutcome(TopicStatus.Outcome.GROWN).size(), report.withOutcome(TopicStatus.Outcome.DRIFT).size());
        return report;
    }

    private Set<String> create(List<TopicSpec> missing, int brokers) {
        if (missing.isEmpty()) {
            return Set.of();
        }
        List<NewTopic> newTopics = missing.stream()
                .map(s -> new NewTopic(s.name(), s.partitions(), (short) Math.min(s.replication(), brokers))
                        .configs(s.configs()))
                .toList();
        Set<String> created = new HashSet<>();
        admin.createTopics(newTopics).values().forEach((name, future) -> {
            try {
                await(future, "create topic " + name);
                created.add(name);
            } catch (PlatformException e) {
                // created concurrently by someone else: fall through to checking it like any existing topic
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        });
        return created;
    }

    private TopicStatus check(TopicSpec spec, ObservedTopic topic, int brokers, boolean growPartitions) {
        List<TopicDrift> drifts = alignRecordBound(spec, TopicDrift.between(spec, topic, brokers));
        if (drifts.isEmpty()) {
            return new TopicStatus(spec, TopicStatus.Outcome.OK, List.of());
        }
        boolean grew = false;
        if (growPartitions && drifts.stream().anyMatch(TopicDrift::growable)) {
            try {
                await(admin.createPartitions(Map.of(spec.name(), NewPartitions.increaseTo(spec.partitions()))).all(),
                        "grow " + spec.name() + " to " + spec.partitions() + " partitions");
            } catch (PlatformException e) {
                // the admin client retries a request that timed out: its second try finds the first one's partitions
                if (!(e.getCause() instanceof InvalidPartitionsException)
                        || observe(List.of(spec)).get(spec.name()).partitions() < spec.partitions()) {
                    throw e;
                }
            }
            LOG.info("grew {} from {} to {} partitions", spec.name(), topic.partitions(), spec.partitions());
            drifts = drifts.stream().filter(d -> !d.growable()).toList();
            grew = true;
        }
        if (drifts.isEmpty()) {
            return new TopicStatus(spec, grew ? TopicStatus.Outcome.GROWN : TopicStatus.Outcome.OK, List.of());
        }
        LOG.warn("topic {} differs from its definition: {}", spec.name(),
                drifts.stream().map(TopicDrift::describe).collect(Collectors.joining("; ")));
        return new TopicStatus(spec, TopicStatus.Outcome.DRIFT, drifts);
    }

    /** Sets the record-size bound where it differs (topics made before it was defined); the other drifts remain. */
    private List<TopicDrift> alignRecordBound(TopicSpec spec, List<TopicDrift> drifts) {
        String bound = spec.configs().get(TopicSpec.MAX_MESSAGE_BYTES);
        if (drifts.stream().noneMatch(d -> d.property().equals(TopicSpec.MAX_MESSAGE_BYTES))) {
            return drifts;
        }
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
        AlterConfigOp set = new AlterConfigOp(new ConfigEntry(TopicSpec.MAX_MESSAGE_BYTES, bound),
                AlterConfigOp.OpType.SET);
        await(admin.incrementalAlterConfigs(Map.of(topic, List.of(set))).all(),
                "set " + TopicSpec.MAX_MESSAGE_BYTES + " of " + spec.name());
        LOG.info("set {} of {} to {}", TopicSpec.MAX_MESSAGE_BYTES, spec.name(), bound);
        return drifts.stream().filter(d -> !d.property().equals(TopicSpec.MAX_MESSAGE_BYTES)).toList();
    }

    /**
     * Describes the topics, retrying while the broker does not know one yet: a topic created a moment ago (by us or
     * by someone else) is listed before its metadata has reached every part of the broker.
     */
    private Map<String, ObservedTopic> observe(List<TopicSpec> specs) {
        if (specs.isEmpty()) {
            return Map.of();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return describe(specs);
            } catch (PlatformException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Map<String, ObservedTopic> describe(List<TopicSpec> specs) {
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> descriptions = await(admin.describeTopics(names).allTopicNames(),
                "describe topics");
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all(), "describe topic configs");
        Map<String, ObservedTopic> observed = new HashMap<>();
        for (String name : names) {
            TopicDescription description = descriptions.get(name);
            Map<String, String> values = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).entries()
                    .stream().filter(e -> e.value() != null)
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
            observed.put(name, new ObservedTopic(name, description.partitions().size(),
                    description.partitions().get(0).replicas().size(), values));
        }
        return observed;
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while trying to " + what);
        } catch (ExecutionException e) {
            throw new PlatformException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PlatformException("could not " + what + " within " + timeout.toSeconds()
                    + " s: is Kafka reachable at the configured bootstrap.servers?", e);
        }
    }
}
