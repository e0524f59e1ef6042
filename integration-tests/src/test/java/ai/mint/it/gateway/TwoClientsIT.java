package ai.mint.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.mint.client.MintClient;
import ai.mint.common.kafka.ReplyTopics;
import ai.mint.events.AdapterPinResult;
import ai.mint.events.DeadLetter;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import ai.mint.events.RetirementReason;
import ai.mint.events.RevisionRetired;
import ai.mint.it.Events;
import ai.mint.it.SharedPlatform;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.it.lifecycle.TopicReader;
import ai.mint.platform.EmbeddedPlatform;
import ai.mint.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 for the Java client, on the serving harness (catalog, scheduler, one inference worker): two clients
 * sampling at once each get their answers on a reply topic of their own ({@code mint.inference.replies.CLIENT}) that
 * holds nothing else, the topic goes when its client closes, and a client closed while its answer is in flight does
 * not stall the worker: another client's next request is answered.
 */
@ExtendWith(SharedPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoClientsIT {

    private static final int REQUESTS_EACH = 8;
    private static final SamplingParams SAMPLING = SamplingParams.newBuilder().setMaxTokens(8).setTemperature(0)
            .build();

    private EmbeddedPlatform platform;
    private GatewayHarness harness;
    private String policy;

    @BeforeAll
    void start(EmbeddedPlatform platform) throws Exception {
        this.platform = platform;
        harness = new GatewayHarness(platform);
        policy = harness.policy("clients");
        harness.policy(policy, "acme", true);
    }

    @AfterAll
    void stop() throws Exception {
        harness.close();
    }

    private MintClient client() {
        return new MintClient(platform.bootstrapServers(), platform.schemaRegistryUrl(), Duration.ofSeconds(60))
                .awaitCatalog();
    }

    @Test
    void shouldAnswerEachOfTwoConcurrentClientsOnItsOwnReplyTopicOnly() throws Exception {
        String topicA;
        try (MintClient a = client(); MintClient b = client()) {
            List<CompletableFuture<InferenceResponse>> sentA = new ArrayList<>();
            List<CompletableFuture<InferenceResponse>> sentB = new ArrayList<>();
            for (int i = 0; i < REQUESTS_EACH; i++) {
                sentA.add(a.sample(policy, "a" + i, SAMPLING, null));
                sentB.add(b.sample(policy, "b" + i, SAMPLING, null));
            }
            Set<String> idsA = ids(sentA);
            Set<String> idsB = ids(sentB);
            assertThat(idsA).hasSize(REQUESTS_EACH).doesNotContainAnyElementsOf(idsB);
            assertThat(idsB).hasSize(REQUESTS_EACH);

            topicA = a.inferenceReplyTopic();
            assertThat(topicA).isNotEqualTo(b.inferenceReplyTopic()).startsWith(Topics.INFERENCE_REPLIES_PREFIX);
            assertThat(requestIdsOn(topicA)).isEqualTo(idsA);
            assertThat(requestIdsOn(b.inferenceReplyTopic())).isEqualTo(idsB);
        }
        String closed = topicA;
        await().atMost(Duration.ofSeconds(10)).until(() -> !topics().contains(closed)); // deleted at close
    }

    @Test
    void shouldAnswerOthersWhenAClientClosesWithAnAnswerInFlight() throws Exception {
        String gone;
        try (MintClient leaving = client()) {
            leaving.sample(policy, "leaving", SamplingParams.newBuilder().setMaxTokens(64).setTemperature(0).build(),
                    null);
            gone = leaving.inferenceReplyTopic();
        }
        try (MintClient staying = client()) {
            long started = System.nanoTime();
            InferenceResponse answer = staying.sample(policy, "staying", SAMPLING, null).get(60, TimeUnit.SECONDS);
            System.out.printf("TwoClientsIT: the next client's answer came %.0f ms after the other client closed%n",
                    (System.nanoTime() - started) / 1e6);
            assertThat(answer.getError()).isNull();
            assertThat(answer.getCompletionText()).isNotNull();
        }
        // the closed client's request was not answered into a topic that is gone: it is dead-lettered, or (if the
        // worker took it before the topic went) answered and dropped; either way nothing is waiting for it
        List<DeadLetter> letters = TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topics.DEAD_LETTER.name(), DeadLetter.class, d -> d.getReason().contains(gone));
        System.out.printf("TwoClientsIT: dead letters naming %s: %s%n", gone,
                letters.stream().map(DeadLetter::getErrorClass).toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> !topics().contains(gone));
    }

    @Test
    void shouldFindTheReplyTopicsThatExistAmongManyInOneLookup() {
        try (MintClient a = client(); MintClient b = client();
             ReplyTopics lookup = new ReplyTopics(Admin.create(java.util.Map.of(
                     AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers())))) {
            a.sample(policy, "a", SAMPLING, null).join(); // each client's topic exists once it has sampled
            b.sample(policy, "b", SAMPLING, null).join();
            String never = Topics.INFERENCE_REPLIES_PREFIX + "never-created";

            assertThat(lookup.existing(List.of(a.inferenceReplyTopic(), never, b.inferenceReplyTopic(),
                    a.inferenceReplyTopic()))).containsExactlyInAnyOrder(a.inferenceReplyTopic(),
                    b.inferenceReplyTopic());
            assertThat(lookup.existing(List.of(never))).isEmpty();
        }
    }

    @Test
    void shouldPinAndUnpinTheServingRevisionOnTheWorker() throws Exception {
        try (MintClient client = client()) {
            AdapterPinResult pinned = client.pin(policy, null, "TwoClientsIT").get(60, TimeUnit.SECONDS);
            AdapterPinResult unpinned = client.unpin(policy, null, "TwoClientsIT").get(60, TimeUnit.SECONDS);

            assertThat(pinned.getAccepted()).as(pinned.getReason()).isTrue();
            assertThat(pinned.getPinned()).isTrue();
            assertThat(unpinned.getAccepted()).as(unpinned.getReason()).isTrue();
            assertThat(unpinned.getPinned()).isFalse();
            assertThat(pinned.getRevision()).isEqualTo(unpinned.getRevision()).isNotBlank();
        }
    }

    /** Issue 13 (the soak's finding): the worker drops a revision from its working set once the catalog retires it. */
    @Test
    void shouldDropARevisionTheCatalogRetiredFromTheWorkersWorkingSet() throws Exception {
        String retiring = harness.policy("retiring");
        harness.policy(retiring, "acme", true);
        try (MintClient client = client()) {
            assertThat(client.sample(retiring, "r", SAMPLING, null).get(60, TimeUnit.SECONDS).getError()).isNull();
            assertThat(client.sample(policy, "k", SAMPLING, null).get(60, TimeUnit.SECONDS).getError()).isNull();
        }
        var resident = harness.worker.runtime();
        assertThat(resident.residentAdapters()).contains(retiring + "@rev-1", policy + "@rev-1");

        Events.send(platform.bootstrapServers(), SchemaRegistryClients.fromUrl(platform.schemaRegistryUrl()),
                Topics.CATALOG_RETIREMENTS, retiring, RevisionRetired.newBuilder().setEventId("retire-" + retiring)
                        .setPolicyId(retiring).setTime(Instant.now()).setRevision("rev-1")
                        .setReason(RetirementReason.KEEP_LAST).setRemoveAfter(Instant.now().plus(Duration.ofDays(1)))
                        .build());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(resident.residentAdapters()).doesNotContain(retiring + "@rev-1"));
        assertThat(resident.residentAdapters()).contains(policy + "@rev-1");
    }

    private static Set<String> ids(List<CompletableFuture<InferenceResponse>> sent) throws Exception {
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        assertThat(sent).allSatisfy(f -> assertThat(f.join().getError()).isNull());
        return sent.stream().map(f -> f.join().getRequestId()).collect(Collectors.toSet());
    }

    private Set<String> requestIdsOn(String topic) {
        return TopicReader.readAll(platform.bootstrapServers(), platform.schemaRegistryUrl(), topic,
                InferenceResponse.class, r -> true).stream().map(InferenceResponse::getRequestId)
                .collect(Collectors.toSet());
    }

    private Set<String> topics() throws Exception {
        try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers()))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }
}
