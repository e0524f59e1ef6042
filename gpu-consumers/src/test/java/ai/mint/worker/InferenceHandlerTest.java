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
import ai.mint.events.CatalogEntry;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.LoraSpec;
import ai.mint.events.Metric;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.SamplingParams;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.worker.store.FilesystemAdapterStore;
import ai.mint.worker.store.StoredArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    private ModelRuntime runtime;
    private CatalogFollower catalog;
    private WorkContext ctx;
    private InferenceHandler serve;
    private final List<RevisionInfo> revisions = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Path baseDir = tmp.resolve(BASE);
        BaseModelInitializer.write(baseDir, TestModels.microDense(), 3L, DType.F32);
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("store"));
        ModelConfig config = TestModels.microDense();
        for (String rev : List.of("rev-a", "rev-b")) {
            Path dir = Files.createDirectories(tmp.resolve(rev));
            // large random B so that the two revisions answer differently
            PeftAdapterIo.write(dir, LoraWeights.random(config, EnumSet.allOf(Projection.class), 4, 64f,
                    rev.hashCode(), true), config);
            StoredArtifact stored = store.put("p", "sampler", rev, dir);
            revisions.add(RevisionInfo.newBuilder().setRevision(rev).setStep(revisions.size() + 1).setRank(4)
                    .setAdapterUri(stored.uri()).setSha256(stored.sha256()).setBytes(stored.bytes())
                    .setState(RevisionState.EVAL_PASSED).setEvalScores(Map.of()).setCreatedAt(Instant.EPOCH)
                    .setProducedBy("t").build());
        }
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
        PolicySpec spec = PolicySpec.newBuilder().setEventId("s").setPolicyId("p").setTime(Instant.EPOCH)
                .setBaseModel(BASE).setLora(LoraSpec.newBuilder().setRank(4).setAlpha(64).setTargetModules(List.of()).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"a\"}").build();
        catalog.accept(CatalogEntry.newBuilder().setEventId("e-" + revision).setPolicyId("p").setTime(Instant.EPOCH)
                .setSpec(spec).setRevisions(new ArrayList<>(revisions)).setServingRevision(revision)
                .setHistory(new ArrayList<>()).setUpdatedAt(Instant.EPOCH).build());
    }

    private static InferenceRequest request(String id, String pinned) {
        return InferenceRequest.newBuilder().setEventId("evt-" + id).setPolicyId("p").setTime(Instant.EPOCH)
                .setRequestId(id).setRevision(pinned).setPrompt("hello")
                .setSampling(SamplingParams.newBuilder().setMaxTokens(6).setTemperature(0).build()).build();
    }

    private static InferenceResponse response(Reply reply) {
        return (InferenceResponse) reply.event();
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
            public java.util.Optional<CatalogEntry> awaitEntry(String policyId, Duration wait) {
                return catalog.awaitEntry(policyId, wait);
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
