package ai.mint.it;

import ai.mint.platform.EmbeddedKafka;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.LoopbackPorts;
import ai.mint.platform.PlatformException;
import ai.mint.platform.PlatformOptions;
import ai.mint.platform.RegistryProcess;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.serde.WireFormat;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Platforms this class starts itself: start/stop twice without leaks, a restart that keeps events and schemas, and a
 * second platform on a directory in use refused before it starts anything.
 */
class PlatformLifecycleIT {

    /** Daemon threads the broker (and its clients) or the platform start; the JVM's own daemons are left out. */
    private static final Pattern PLATFORM_DAEMON_THREAD =
            Pattern.compile("kafka|raft|controller|broker|data-plane|mint-", Pattern.CASE_INSENSITIVE);

    @Test
    void shouldStartAndStopTwiceWithoutLeakingPortsThreadsOrTheRegistryProcess(@TempDir Path dir) {
        Set<String> threadsBefore = platformThreads();

        for (int i = 1; i <= 2; i++) {
            int round = i;
            EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformOptions.embedded(dir.resolve("round" + round)));
            EmbeddedKafka kafka = platform.embeddedKafka().orElseThrow();
            RegistryProcess registry = platform.registryProcess().orElseThrow();
            ProcessHandle child = registry.processHandle();
            List<Integer> ports = List.of(kafka.port(), kafka.controllerPort(), registry.port());
            assertThat(child.isAlive()).isTrue();
            assertThat(ports).noneMatch(LoopbackPorts::isFree);

            platform.close();

            assertThat(child.isAlive()).as("registry process after close (round %d)", round).isFalse();
            await().pollInSameThread().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ports).as("ports free again after round %d", round).allMatch(LoopbackPorts::isFree));
            await().pollInSameThread().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(difference(platformThreads(), threadsBefore)).as("threads left running").isEmpty());
        }
    }

    @Test
    void shouldDecodeEveryEventWrittenBeforeARestartOnTheSameDataDirectory(@TempDir Path dir) throws Exception {
        String policy = "restart-" + UUID.randomUUID();
        Map<TopicSpec, SpecificRecord> sent = new LinkedHashMap<>();
        Map<TopicSpec, Integer> schemaIds = new LinkedHashMap<>();
        try (EmbeddedPlatform before = EmbeddedPlatform.start(PlatformOptions.embedded(dir))) {
            SchemaRegistryClient registry = SchemaRegistryClients.fromUrl(before.schemaRegistryUrl());
            for (TopicSpec topic : Topics.ALL) {
                SpecificRecord event = SampleEvents.sample(topic, policy);
                Events.send(before.bootstrapServers(), registry, topic, policy, event);
                sent.put(topic, event);
            }
        }

        try (EmbeddedPlatform after = EmbeddedPlatform.start(PlatformOptions.embedded(dir))) {
            assertThat(after.provisioning().hasDrift()).isFalse();
            // a fresh client and a fresh registry process: nothing can come from a cache
            SchemaRegistryClient registry = SchemaRegistryClients.fromUrl(after.schemaRegistryUrl());
            for (TopicSpec topic : Topics.ALL) {
                List<ConsumerRecord<String, byte[]>> records = Events.readAll(after.bootstrapServers(), topic.name(),
                        r -> policy.equals(r.key()));
                assertThat(records).as("events kept on %s", topic.name()).hasSize(1);
                byte[] bytes = records.get(0).value();
                schemaIds.put(topic, WireFormat.schemaId(topic.name(), bytes));
                assertThat(Events.deserialize(topic, bytes, registry)).as("decoded %s", topic.name())
                        .isEqualTo(sent.get(topic));
            }
        }
        assertThat(schemaIds.values().stream().distinct().count()).as("one schema per event type")
                .isEqualTo(Topics.ALL.stream().map(TopicSpec::valueRecord).distinct().count());
    }

    @Test
    void shouldRefuseASecondPlatformOnADataDirectoryInUseBeforeStartingAnything(@TempDir Path dir) throws Exception {
        try (EmbeddedPlatform first = EmbeddedPlatform.start(PlatformOptions.embedded(dir))) {
            ProcessHandle firstRegistry = first.registryProcess().orElseThrow().processHandle();
            ChildProcessWatch watch = ChildProcessWatch.start();

            assertThatThrownBy(() -> EmbeddedPlatform.start(PlatformOptions.embedded(dir)).close())
                    .isInstanceOf(PlatformException.class)
                    .hasMessageContaining("in use by another platform").hasMessageContaining(dir.toString());

            // refused before anything started: no registry child process appeared during the attempt
            assertThat(watch.stop()).as("registry processes started by the refused platform").isEmpty();
            // the broker alone keeps its own guard against a second broker on its log directory
            assertThatThrownBy(() -> EmbeddedKafka.start(dir).close())
                    .isInstanceOf(PlatformException.class).hasMessageContaining("in use by another broker");
            assertThat(LoopbackPorts.isFree(first.embeddedKafka().orElseThrow().port()))
                    .as("the first broker still serves").isFalse();
            assertThat(firstRegistry.isAlive()).as("the first registry still runs").isTrue();
        }
    }

    /** Nothing this JVM runs may still be running: non-daemon threads, and daemon threads of the broker or ours. */
    private static Set<String> platformThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (!t.isDaemon() || PLATFORM_DAEMON_THREAD.matcher(t.getName()).find()))
                .map(t -> t.getName() + "#" + t.getId())
                .collect(Collectors.toSet());
    }

    private static Set<String> difference(Set<String> after, Set<String> before) {
        return after.stream().filter(t -> !before.contains(t)).collect(Collectors.toSet());
    }
}
