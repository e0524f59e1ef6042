package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.decode.RetryPolicy;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.AdapterState;
import ai.mint.engine.AdapterTier;
import ai.mint.events.AdapterPin;
import ai.mint.events.AdapterPinResult;
import ai.mint.events.CatalogEntry;
import ai.mint.events.InferenceChunk;
import ai.mint.topics.Topics;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.LoraSpec;
import ai.mint.events.Metric;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.SamplingParams;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.common.store.FilesystemAdapterStore;
import ai.mint.common.store.StoredArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference role on a real micro model and store, with the followed catalog fed by hand (no Kafka). */
class InferenceHandlerTest {

    private static final String BASE = "micro";

    @TempDir
    Path tmp;

    private FilesystemAdapterStore store;
    private ModelRuntime runtime;
    private CatalogFollower catalog;
    private WorkContext ctx;
    private InferenceHandler serve;
    private final List<RevisionInfo> revisions = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Path baseDir = tmp.resolve(BASE);
        BaseModelInitializer.write(baseDir, TestModels.microDense(), 3L, DType.F32);
        store = new FilesystemAdapterStore(tmp.resolve("store"));
        ModelConfig config = TestModels.microDense();
        for (String rev : List.of("rev-a", "rev-b", "rev-bad")) {
            Path dir = Files.createDirectories(tmp.resolve(rev));
            // large random B so that the two revisions answer differently
            PeftAdapterIo.write(dir, LoraWeights.random(config, Projection.allOn(config), 4, 64f,
                    rev.hashCode(), true), config);
            StoredArtifact stored = store.put("p", "sampler", rev, dir);
            revisions.add(RevisionInfo.newBuilder().setRevision(rev).setStep(revisions.size() + 1).setRank(4)
                    .setAdapterUri(stored.uri()).setSha256(stored.sha256()).setBytes(stored.bytes())
                    .setState(RevisionState.EVAL_PASSED).setEvalScores(Map.of()).setCreatedAt(Instant.EPOCH)
                    .setProducedBy("t").build());
        }
        // the stored copy of rev-bad changes after it was stored: its checksum no longer matches
        Path badWeights = store.open(revisions.get(2).getAdapterUri(), null).resolve(PeftAdapterIo.WEIGHTS);
        Files.write(badWeights, new byte[] {1, 2, 3});
        runtime = ModelRuntime.open(baseDir, "cpu", store, BASE);
        catalog = new CatalogFollower(KafkaClients.of(PlatformConnection.of("127.0.0.1:1", "mock://serve-test")),
                SchemaRegistryClients.fromUrl("mock://serve-test"), "serve-test", RetryPolicy.DEFAULT);
        ctx = new WorkContext("w", runtime, catalog, Duration.ofMillis(10));
        serve = new InferenceHandler(ctx);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
        runtime.close();
    }

    private void serving(String revision) {
        serving(revision, 0);
    }

    private void serving(String revision, long version) {
        PolicySpec spec = PolicySpec.newBuilder().setEventId("s").setPolicyId("p").setTime(Instant.EPOCH)
                .setBaseModel(BASE).setLora(LoraSpec.newBuilder().setRank(4).setAlpha(64).setTargetModules(List.of()).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"a\"}").build();
        catalog.accept(CatalogEntry.newBuilder().setEventId("e-" + revision).setPolicyId("p").setTime(Instant.EPOCH)
                .setSpec(spec).setRevisions(new ArrayList<>(revisions)).setServingRevision(revision)
                .setHistory(new ArrayList<>()).setUpdatedAt(Instant.EPOCH).setVersion(version).build());
    }

    private static InferenceRequest request(String id, String pinned) {
        return InferenceRequest.newBuilder().setEventId("evt-" + id).setPolicyId("p").setTime(Instant.EPOCH)
                .setRequestId(id).setRevision(pinned).setPrompt("hello")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(6).setTemperature(0).build()).build();
    }

    private static AdapterPin pin(String revision, boolean pinned) {
        return AdapterPin.newBuilder().setEventId("pin-" + revision + "-" + pinned).setPolicyId("p")
                .setTime(Instant.EPOCH).setRevision(revision).setAdapter("p@" + revision).setPinned(pinned)
                .setCorrelationId("c-" + revision).setRequestedBy("test").build();
    }

    private static List<InferenceResponse> responses(List<Reply> replies) {
        return replies.stream().filter(r -> r.event() instanceof InferenceResponse)
                .map(InferenceHandlerTest::response).toList();
    }

    /** Issue 13 item 8, through the worker: one corrupt adapter fails only its own requests, with the reason. */
    @Test
    void shouldFailOnlyTheRequestsOfACorruptAdapterAndAnswerTheRestOfTheBatch() {
        serving("rev-a");
        List<InferenceHandler.Resolved> batch = List.of(serve.resolve(request("1", "rev-a")),
                serve.resolve(request("2", "rev-bad")), serve.resolve(request("3", "rev-b")),
                serve.resolve(request("4", "rev-bad")));
        List<InferenceResponse> answered = responses(serve.answer(batch));

        assertThat(answered).extracting(InferenceResponse::getRequestId).containsExactly("1", "2", "3", "4");
        assertThat(answered.get(1).getError()).contains("checksum mismatch").contains("p@rev-bad");
        assertThat(answered.get(3).getError()).contains("checksum mismatch");
        assertThat(answered.get(1).getFinishReason()).isEqualTo("error");
        InferenceResponse aloneA = responses(serve.answer(List.of(serve.resolve(request("5", "rev-a"))))).get(0);
        InferenceResponse aloneB = responses(serve.answer(List.of(serve.resolve(request("6", "rev-b"))))).get(0);
        assertThat(answered.get(0).getError()).isNull();
        assertThat(answered.get(0).getCompletionTokens()).isEqualTo(aloneA.getCompletionTokens());
        assertThat(answered.get(2).getCompletionTokens()).isEqualTo(aloneB.getCompletionTokens());
        // the failure is remembered: a later request for it fails fast, its files are not read again
        long hashes = store.hashes();
        assertThat(responses(serve.answer(List.of(serve.resolve(request("7", "rev-bad"))))).get(0).getError())
                .contains("checksum mismatch");
        assertThat(store.hashes()).isEqualTo(hashes);
        assertThat(runtime.workingSet()).filteredOn(s -> s.id().equals("p@rev-bad"))
                .singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(AdapterState.FAILED));
    }

    @Test
    void shouldStreamChunksThatConcatenateToTheCompletionBeforeTheResponse() {
        serving("rev-a");
        InferenceRequest q = InferenceRequest.newBuilder(request("s1", null)).setStream(true)
                .setSampling(SamplingParams.newBuilder().setMaxTokens(9).setTemperature(0).build()).build();
        List<InferenceChunk> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Reply> replies = serve.answer(serve.resolve(q), reply -> chunks.add((InferenceChunk) reply.event()))
                .join();
        InferenceResponse answer = responses(replies).get(0);

        assertThat(chunks).extracting(InferenceChunk::getIndex).containsExactly(0, 1, 2); // 4 + 4 + 1 tokens
        assertThat(chunks).extracting(InferenceChunk::getFinishReason).containsExactly(null, null,
                answer.getFinishReason());
        assertThat(String.join("", chunks.stream().map(InferenceChunk::getTextDelta).toList()))
                .isEqualTo(answer.getCompletionText());
        assertThat(chunks.stream().flatMap(c -> c.getTokenIds().stream()).toList())
                .isEqualTo(answer.getCompletionTokens());
        assertThat(chunks).allSatisfy(c -> assertThat(c.getRequestId()).isEqualTo("s1"));
        assertThat(chunks).extracting(InferenceChunk::getEventId).doesNotHaveDuplicates();
    }

    /** Issue 12: a gateway reads only its own reply topic, so a request's chunks go there beside its response. */
    @Test
    void shouldStreamChunksToTheRequestsReplyTopicAndToTheSharedTopicWithoutOne() {
        serving("rev-a");
        InferenceRequest own = InferenceRequest.newBuilder(request("s2", null)).setStream(true)
                .setReplyTopic(Topics.inferenceReplies("gw-1").name()).build();
        List<Reply> ownChunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Reply> ownReplies = serve.answer(serve.resolve(own), ownChunks::add).join();
        InferenceRequest shared = InferenceRequest.newBuilder(request("s3", null)).setStream(true).build();
        List<Reply> sharedChunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Reply> sharedReplies = serve.answer(serve.resolve(shared), sharedChunks::add).join();

        assertThat(ownChunks).isNotEmpty().extracting(Reply::topic).containsOnly("mint.inference.replies.gw-1");
        assertThat(ownReplies).filteredOn(r -> r.event() instanceof InferenceResponse).extracting(Reply::topic)
                .containsExactly("mint.inference.replies.gw-1");
        assertThat(sharedChunks).isNotEmpty().extracting(Reply::topic).containsOnly(Topics.INFERENCE_CHUNKS.name());
        assertThat(sharedReplies).filteredOn(r -> r.event() instanceof InferenceResponse).extracting(Reply::topic)
                .containsExactly(Topics.INFERENCE_RESPONSES.name());
    }

    @Test
    void shouldPinAnAdapterResidentRefuseWhatCannotBeLoadedAndUnpin() {
        serving("rev-a");
        PinHandler pins = new PinHandler(ctx);
        AdapterPinResult pinned = (AdapterPinResult) pins.apply(pin("rev-a", true)).join().event();
        assertThat(pinned.getAccepted()).as(pinned.getReason()).isTrue();
        assertThat(pinned.getPinned()).isTrue();
        assertThat(pinned.getBytes()).isPositive();
        assertThat(pinned.getWorkerId()).isEqualTo("w");
        assertThat(runtime.residentAdapters()).contains("p@rev-a");
        assertThat(runtime.workingSet()).filteredOn(s -> s.id().equals("p@rev-a")).singleElement()
                .satisfies(s -> assertThat(s.pinned()).isTrue());

        AdapterPinResult bad = (AdapterPinResult) pins.apply(pin("rev-bad", true)).join().event();
        assertThat(bad.getAccepted()).isFalse();
        assertThat(bad.getReason()).startsWith("pin refused").contains("checksum mismatch");
        AdapterPinResult unknown = (AdapterPinResult) pins.apply(pin("rev-zzz", true)).join().event();
        assertThat(unknown.getReason()).contains("no revision 'rev-zzz'");

        AdapterPinResult unpinned = (AdapterPinResult) pins.apply(pin("rev-a", false)).join().event();
        assertThat(unpinned.getAccepted()).isTrue();
        assertThat(unpinned.getPinned()).isFalse();
        assertThat(runtime.workingSet()).filteredOn(s -> s.id().equals("p@rev-a")).singleElement()
                .satisfies(s -> assertThat(s.pinned()).isFalse());
    }

    private static InferenceResponse response(Reply reply) {
        return (InferenceResponse) reply.event();
    }

    /** Issue 13 (the soak's finding): a revision the catalog retired leaves the working set, the others stay. */
    @Test
    void shouldDropAForgottenRevisionFromEveryTierAndKeepTheOthers() {
        serving("rev-b");
        InferenceHandler.Resolved a = serve.resolve(request("a", "rev-a"));
        InferenceHandler.Resolved b = serve.resolve(request("b", null));
        List<InferenceResponse> first = responses(serve.answer(List.of(a, b)));
        assertThat(runtime.residentAdapters()).contains("p@rev-a", "p@rev-b");

        runtime.forget("p", "rev-a");
        runtime.forget("p", "rev-never-loaded");
        runtime.forget("p", BASE);

        assertThat(runtime.residentAdapters()).doesNotContain("p@rev-a").contains("p@rev-b");
        // neither on the device nor in Java memory: only its files are left
        assertThat(runtime.workingSet()).filteredOn(s -> s.id().equals("p@rev-a"))
                .allSatisfy(s -> assertThat(s.tier()).isEqualTo(AdapterTier.STORAGE));
        assertThat(runtime.workingSet()).filteredOn(s -> s.id().equals("p@rev-b")).singleElement()
                .satisfies(s -> assertThat(s.tier()).isEqualTo(AdapterTier.DEVICE));
        // forgetting is not refusing: the catalog decides what serves, a later request loads it again
        InferenceResponse again = responses(serve.answer(List.of(serve.resolve(request("a2", "rev-a"))))).get(0);
        assertThat(again.getError()).isNull();
        assertThat(again.getCompletionText()).isEqualTo(first.get(0).getCompletionText());
    }

    /** The soak's finding: a policy promoted at every step must not fill the working set with superseded revisions. */
    @Test
    void shouldKeepOnlyThePolicysNewestRevisionsInTheWorkingSetUnlessPinned() {
        runtime.keepRevisionsPerPolicy(1);
        serving("rev-b");
        assertThat(responses(serve.answer(List.of(serve.resolve(request("a", "rev-a")))))).singleElement()
                .satisfies(r -> assertThat(r.getError()).isNull());
        assertThat(runtime.residentAdapters()).contains("p@rev-a");

        assertThat(responses(serve.answer(List.of(serve.resolve(request("b", null)))))).singleElement()
                .satisfies(r -> assertThat(r.getError()).isNull());
        assertThat(runtime.residentAdapters()).contains("p@rev-b").doesNotContain("p@rev-a");

        AdapterPinResult pinned = (AdapterPinResult) new PinHandler(ctx).apply(pin("rev-a", true)).join().event();
        assertThat(pinned.getAccepted()).as(pinned.getReason()).isTrue();
        serve.answer(List.of(serve.resolve(request("b2", null))));
        assertThat(runtime.residentAdapters()).as("a pinned revision stays beside the newest")
                .contains("p@rev-a", "p@rev-b");
    }

    @Test
    void shouldServeAPinnedRevisionThatTheEntryNoLongerCarriesAndRefuseARetiredOne() {
        RevisionInfo old = revisions.get(0);
        RevisionInfo retired = RevisionInfo.newBuilder(old).setRevision("rev-r").setState(RevisionState.RETIRED)
                .setRetiredAt(1L).build();
        revisions.remove(0); // the bounded entry carries only rev-b; rev-a and rev-r live in the revisions store
        serving("rev-b");
        // the revisions store as the catalog's query API answers it, behind the worker's catalog face
        PolicyCatalog byKey = new PolicyCatalog() {
            @Override
            public java.util.Optional<CatalogEntry> awaitEntry(String policyId, long minVersion, Duration wait) {
                return catalog.awaitEntry(policyId, minVersion, wait);
            }

            @Override
            public java.util.Optional<RevisionInfo> revision(String policyId, String revision) {
                return java.util.stream.Stream.of(old, retired).filter(r -> r.getRevision().equals(revision))
                        .findFirst();
            }

            @Override
            public boolean caughtUp() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        InferenceHandler handler = new InferenceHandler(new WorkContext("w", runtime, byKey, Duration.ofMillis(10)));

        InferenceHandler.Resolved pinned = handler.resolve(request("old", "rev-a"));
        InferenceResponse answer = response(handler.answer(List.of(pinned)).get(0));

        assertThat(answer.getRevision()).isEqualTo("rev-a");
        assertThat(answer.getError()).isNull();
        assertThatThrownBy(() -> handler.resolve(request("gone", "rev-r")))
                .isInstanceOf(RejectedWorkException.class).hasMessageContaining("retired");
    }

    @Test
    void shouldAnswerFromTheEntryVersionTheSenderSawEvenWhenTheWorkersCopyIsBehind() throws Exception {
        serving("rev-a", 1);
        WorkContext patient = new WorkContext("w", runtime, catalog, Duration.ofSeconds(5));
        InferenceHandler handler = new InferenceHandler(patient);
        // the sender saw version 2 (the pointer moved to rev-b); this worker's copy reaches it a moment later
        Thread lateChange = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            serving("rev-b", 2);
        });
        lateChange.start();
        InferenceRequest seenMove = InferenceRequest.newBuilder(request("ryw", null)).setMinEntryVersion(2L).build();

        InferenceHandler.Resolved resolved = handler.resolve(seenMove);
        lateChange.join();

        assertThat(resolved.revision()).isEqualTo("rev-b");
        // without a version the worker answers from what it holds at once
        serving("rev-a", 3);
        assertThat(handler.resolve(request("plain", null)).revision()).isEqualTo("rev-a");
        patient.close();
    }

    @Test
    void shouldWaitForAnUnknownPolicyOnceNotOncePerRequest() {
        List<Duration> waits = new ArrayList<>();
        InferenceHandler handler = new InferenceHandler(new WorkContext("w", runtime, neverFinding(waits),
                Duration.ofSeconds(1)));

        for (int i = 0; i < 5; i++) {
            InferenceRequest justSent = InferenceRequest.newBuilder(request("ghost-" + i, null))
                    .setTime(Instant.now()).build();
            assertThatThrownBy(() -> handler.resolve(justSent)).isInstanceOf(RejectedWorkException.class)
                    .hasMessageContaining("unknown policy 'p'");
        }

        // the first request waits for a policy that may have just been created; the other four ask once, at once
        assertThat(waits).hasSize(5);
        assertThat(waits.get(0)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(waits.subList(1, 5)).containsOnly(Duration.ZERO);
    }

    @Test
    void shouldNotWaitForAnUnknownPolicyOnBehalfOfARequestSentLongerAgoThanTheWait() {
        List<Duration> waits = new ArrayList<>();
        InferenceHandler handler = new InferenceHandler(new WorkContext("w", runtime, neverFinding(waits),
                Duration.ofSeconds(1)));
        // a fresh scheduler replays requests minutes old: their policy, unknown to a caught-up catalog, was not created
        // a moment ago, so waiting for it would only hold the worker
        InferenceRequest replayed = InferenceRequest.newBuilder(request("old", null))
                .setTime(Instant.now().minusSeconds(60)).build();
        InferenceRequest otherPolicyJustSent = InferenceRequest.newBuilder(request("new", null)).setPolicyId("q")
                .setTime(Instant.now()).build();

        assertThatThrownBy(() -> handler.resolve(replayed)).isInstanceOf(RejectedWorkException.class)
                .hasMessageContaining("unknown policy 'p'");
        assertThatThrownBy(() -> handler.resolve(otherPolicyJustSent)).isInstanceOf(RejectedWorkException.class)
                .hasMessageContaining("unknown policy 'q'");

        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isEqualTo(Duration.ZERO);
        assertThat(waits.get(1)).isPositive();
    }

    /** A caught-up catalog that knows no policy and records how long each lookup was allowed to wait. */
    private static PolicyCatalog neverFinding(List<Duration> waits) {
        return new PolicyCatalog() {
            @Override
            public java.util.Optional<CatalogEntry> awaitEntry(String policyId, long minVersion, Duration wait) {
                waits.add(wait);
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<RevisionInfo> revision(String policyId, String revision) {
                return java.util.Optional.empty();
            }

            @Override
            public boolean caughtUp() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void shouldFinishARequestOnTheRevisionItStartedWithWhenThePointerMovesMeanwhile() {
        serving("rev-a");
        InferenceHandler.Resolved before = serve.resolve(request("1", null));
        serving("rev-b"); // the pointer moves while request 1 is in flight
        InferenceHandler.Resolved after = serve.resolve(request("2", null));

        List<Reply> replies = serve.answer(List.of(before, after));
        List<InferenceResponse> responses = replies.stream().filter(r -> r.event() instanceof InferenceResponse)
                .map(InferenceHandlerTest::response).toList();

        assertThat(responses).extracting(InferenceResponse::getRevision).containsExactly("rev-a", "rev-b");
        // the mixed batch answers each request exactly as that revision alone does
        InferenceResponse aloneA = response(serve.answer(List.of(serve.resolve(request("3", "rev-a")))).get(0));
        InferenceResponse aloneB = response(serve.answer(List.of(serve.resolve(request("4", "rev-b")))).get(0));
        assertThat(responses.get(0).getCompletionTokens()).isEqualTo(aloneA.getCompletionTokens());
        assertThat(responses.get(1).getCompletionTokens()).isEqualTo(aloneB.getCompletionTokens());
        assertThat(aloneA.getCompletionTokens()).isNotEqualTo(aloneB.getCompletionTokens());
    }

    @Test
    void shouldPublishTheLiveRewardOfEachResponseForTheRevisionThatAnswered() {
        serving("rev-a");
        List<Reply> replies = serve.answer(List.of(serve.resolve(request("1", null))));

        Metric metric = (Metric) replies.stream().filter(r -> r.event() instanceof Metric).findFirst().orElseThrow().event();
        InferenceResponse answer = response(replies.get(0));
        assertThat(metric.getRevision()).isEqualTo("rev-a");
        assertThat(metric.getName()).isEqualTo(InferenceHandler.LIVE_REWARD);
        assertThat(metric.getValue()).isEqualTo(answer.getCompletionText().contains("a") ? 1.0 : 0.0);
    }

    @Test
    void shouldRefuseAnUnknownRevisionAndAPolicyWithNothingServing() {
        serving(null);
        assertThatThrownBy(() -> serve.resolve(request("1", null))).isInstanceOf(RejectedWorkException.class)
                .hasMessageContaining("no serving revision")
                .extracting(e -> ((RejectedWorkException) e).code()).isEqualTo(RejectedWorkException.UNAVAILABLE);
        assertThatThrownBy(() -> serve.resolve(request("2", "rev-zzz"))).isInstanceOf(RejectedWorkException.class)
                .hasMessageContaining("no revision 'rev-zzz'")
                .extracting(e -> ((RejectedWorkException) e).code()).isEqualTo(RejectedWorkException.NOT_FOUND);
    }

    @Test
    void shouldCountPromptTokensAndSendEachTokenTextSoThatTheyAddUpToTheCompletion() {
        serving("rev-a");
        InferenceResponse answer = response(serve.answer(List.of(serve.resolve(request("1", null)))).get(0));

        assertThat(answer.getPromptTokens()).isEqualTo(runtime.encode("hello").length).isPositive();
        // the prompt's token ids travel with the answer, so that feedback on it can become training data
        assertThat(answer.getPromptTokenIds()).containsExactlyElementsOf(
                Arrays.stream(runtime.encode("hello")).boxed().toList());
        assertThat(answer.getCompletionTokenTexts()).hasSameSizeAs(answer.getCompletionTokens());
        // the byte-level tokenizer decodes token by token to the same text as the whole completion
        assertThat(String.join("", answer.getCompletionTokenTexts())).isEqualTo(answer.getCompletionText());
    }

    @Test
    void shouldRefuseAPromptPastTheContextLengthAloneAsABadRequest() {
        serving("rev-a");
        InferenceRequest tooLong = InferenceRequest.newBuilder(request("long", null))
                .setPrompt("x".repeat(TestModels.microDense().maxPositions())).build();

        assertThatThrownBy(() -> serve.resolve(tooLong)).isInstanceOf(RejectedWorkException.class)
                .hasMessageContaining("positions")
                .extracting(e -> ((RejectedWorkException) e).code()).isEqualTo(RejectedWorkException.BAD_REQUEST);
        InferenceResponse failure = response(serve.failure(tooLong, "too long", RejectedWorkException.BAD_REQUEST));
        assertThat(failure.getErrorCode()).isEqualTo(RejectedWorkException.BAD_REQUEST);
        assertThat(failure.getError()).isEqualTo("too long");
    }
}
