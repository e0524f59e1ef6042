package ai.mint.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every implementation of the training API honours, whatever its transport: a caller programs against the
 * interfaces and gets the same answers from the in-process and the Kafka implementation. Each implementation's test
 * extends this class and supplies its {@link ServiceClient} and base model (published in the api test-jar, so that
 * gpu-consumers and integration-tests run it). Nothing here may be unsupported.
 */
public abstract class TrainingClientContract {

    protected static final long TIMEOUT_S = 120;
    private static final SamplingConfig GREEDY = new SamplingConfig(4, 0, 1L, List.of());

    /** The implementation under test. */
    protected abstract ServiceClient service();

    /** A base model {@link #service()} has resident. */
    protected abstract String baseModel();

    /** A fresh policy (rank 4, attention projections, a fixed seed). */
    protected TrainingClient newClient() {
        return service().createLoraTrainingClient(baseModel(), LoraConfig.of(4, 7L));
    }

    protected static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** Supervised datums of prompt/answer pairs, tokenized by the client. */
    protected static List<Datum> sft(TrainingClient client, String... promptAnswer) throws Exception {
        List<String> texts = List.of(promptAnswer);
        List<int[]> tokens = await(client.encode(texts));
        List<Datum> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i += 2) {
            int[] p = tokens.get(i);
            int[] a = tokens.get(i + 1);
            int[] seq = new int[p.length + a.length];
            System.arraycopy(p, 0, seq, 0, p.length);
            System.arraycopy(a, 0, seq, p.length, a.length);
            out.add(Datum.supervised(seq, p.length));
        }
        return out;
    }

    /** Rollout datums (as a sampler would produce): a sampled completion, its log-probs and an advantage each. */
    protected static List<Datum> rollouts(TrainingClient client) throws Exception {
        int[] prompt = await(client.encode(List.of("ab"))).get(0);
        SampleResponse drawn = await(client.sample(prompt, 2, new SamplingConfig(3, 1.0, 5L, List.of())));
        List<Datum> out = new ArrayList<>();
        float advantage = 1f;
        for (SampledSequence s : drawn.sequences()) {
            out.add(Datum.rollout(prompt, s.tokens(), s.logprobs(), advantage));
            advantage = -advantage;
        }
        return out;
    }

    @Test
    void shouldListTheBaseItTrainsOnAmongTheSupportedBases() {
        assertThat(service().supportedBaseModels()).contains(baseModel());
    }

    @Test
    void shouldNameThePolicyAndDescribeItsBase() throws Exception {
        TrainingClient client = newClient();
        ModelInfo info = await(client.getInfo());

        assertThat(client.policyId()).isNotBlank();
        assertThat(info.baseModel()).isEqualTo(baseModel());
        assertThat(info.loraRank()).isEqualTo(4);
        assertThat(info.targetModules()).containsExactlyInAnyOrderElementsOf(LoraConfig.ATTENTION_MODULES);
        assertThat(info.vocabSize()).isPositive();
    }

    @Test
    void shouldTokenizeAndDetokenizeWithTheBasesTokenizer() throws Exception {
        TrainingClient client = newClient();
        List<int[]> tokens = await(client.encode(List.of("ab cd", "e")));

        assertThat(tokens).hasSize(2);
        assertThat(tokens.get(0)).isNotEmpty();
        assertThat(await(client.decode(tokens))).containsExactly("ab cd", "e");
    }

    @Test
    void shouldLowerCrossEntropyOnItsDataWithForwardBackwardAndOptimStep() throws Exception {
        TrainingClient client = newClient();
        List<Datum> data = sft(client, "ab", " cd", "ef", " gh");
        double before = await(client.forward(data, LossFunction.CROSS_ENTROPY)).loss();
        for (int step = 0; step < 6; step++) {
            CompletableFuture<ForwardBackwardOutput> fb = client.forwardBackward(data, LossFunction.CROSS_ENTROPY);
            CompletableFuture<OptimStepResult> optim = client.optimStep(AdamConfig.of(2e-2)); // queued behind fb
            assertThat(await(fb).loss()).isFinite();
            assertThat(await(optim).step()).isEqualTo(step + 1);
        }
        double after = await(client.forward(data, LossFunction.CROSS_ENTROPY)).loss();

        assertThat(after).isLessThan(before * 0.95); // micro base: 5.66 -> 5.17
    }

    @Test
    void shouldComputeForwardWithoutAccumulatingAGradient() throws Exception {
        TrainingClient client = newClient();
        List<Datum> data = sft(client, "ab", " cd");
        ForwardBackwardOutput first = await(client.forward(data, LossFunction.CROSS_ENTROPY));
        ForwardBackwardOutput second = await(client.forward(data, LossFunction.CROSS_ENTROPY));
        ForwardBackwardOutput backward = await(client.forwardBackward(data, LossFunction.CROSS_ENTROPY));

        assertThat(second.loss()).isEqualTo(first.loss());
        assertThat(backward.loss()).isCloseTo(first.loss(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(first.logprobs()[0]).hasSize(data.get(0).length());
    }

    @Test
    void shouldRunEveryPolicyGradientLossOnRolloutDatums() throws Exception {
        TrainingClient client = newClient();
        List<Datum> data = rollouts(client);
        for (LossFunction loss : List.of(LossFunction.IMPORTANCE_SAMPLING, LossFunction.PPO, LossFunction.CISPO,
                LossFunction.DRO)) {
            LossConfig config = loss == LossFunction.CISPO ? LossConfig.CISPO_DEFAULT : LossConfig.DEFAULT;
            assertThat(await(client.forwardBackward(data, loss, config)).loss()).as(loss.wireName()).isFinite();
        }
        assertThat(await(client.optimStep(AdamConfig.of(1e-2))).gradNorm()).isPositive();
    }

    @Test
    void shouldTrainDpoAsACustomLossOverPairs() throws Exception {
        TrainingClient client = newClient();
        List<Datum> pairs = sft(client, "ab", " yes", "ab", " no");
        float[][] reference = await(client.forward(pairs, LossFunction.CROSS_ENTROPY)).logprobs();
        double first = 0;
        double last = 0;
        for (int step = 0; step < 4; step++) {
            double loss = await(client.forwardBackwardCustom(pairs, new DpoLoss(0.5, reference))).loss();
            await(client.optimStep(AdamConfig.of(2e-2))); // micro base: 0.693 -> 0.397
            first = step == 0 ? loss : first;
            last = loss;
        }

        assertThat(first).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-4)); // policy = reference
        assertThat(last).isLessThan(first);
    }

    @Test
    void shouldSampleTokenAndTextPromptsAlikeAndGreedilyTheSameTwice() throws Exception {
        TrainingClient client = newClient();
        int[] prompt = await(client.encode(List.of("ab"))).get(0);
        SampleResponse byTokens = await(client.sample(prompt, 2, GREEDY));
        SampleResponse byText = await(client.sample("ab", 1, GREEDY));

        assertThat(byTokens.sequences()).hasSize(2);
        assertThat(byTokens.sequences().get(0).tokens()).isEqualTo(byTokens.sequences().get(1).tokens());
        assertThat(byText.sequences().get(0).tokens()).isEqualTo(byTokens.sequences().get(0).tokens());
        assertThat(byTokens.sequences().get(0).tokens().length).isBetween(1, GREEDY.maxTokens());
        assertThat(byTokens.sequences().get(0).logprobs()).hasSize(byTokens.sequences().get(0).tokens().length);
    }

    @Test
    void shouldExportSamplerWeightsThatSampleLikeThePolicy() throws Exception {
        TrainingClient client = newClient();
        List<Datum> data = sft(client, "ab", " cd");
        await(client.forwardBackward(data, LossFunction.CROSS_ENTROPY));
        await(client.optimStep(AdamConfig.of(5e-2)));
        SavedCheckpoint first = await(client.saveWeightsForSampler("contract-first"));
        SavedCheckpoint second = await(client.saveWeightsForSampler("contract-second"));
        SamplingClient sampler = await(client.saveWeightsAndGetSamplingClient("contract-sampler"));

        assertThat(first.kind()).isEqualTo(SavedCheckpoint.Kind.SAMPLER_WEIGHTS);
        assertThat(first.uri()).isEqualTo("mint://" + client.policyId() + "/sampler/contract-first");
        assertThat(first.bytes()).isPositive();
        assertThat(first.sha256()).matches("[0-9a-f]{64}").isEqualTo(second.sha256()); // unchanged weights
        assertThat(await(sampler.sample("ab", 1, GREEDY)).sequences().get(0).tokens())
                .isEqualTo(await(client.sample("ab", 1, GREEDY)).sequences().get(0).tokens());
        assertThat(await(service().createSamplingClient(first.uri()).sample("ab", 1, GREEDY)).sequences())
                .hasSize(1);
    }

    @Test
    void shouldResumeExactlyFromASavedStateWithItsOptimizer() throws Exception {
        TrainingClient client = newClient();
        List<Datum> data = sft(client, "ab", " cd");
        await(client.forwardBackward(data, LossFunction.CROSS_ENTROPY));
        await(client.optimStep(AdamConfig.of(5e-2)));
        SavedCheckpoint saved = await(client.saveState("contract-state"));
        double atSave = await(client.forward(data, LossFunction.CROSS_ENTROPY)).loss();
        await(client.forwardBackward(data, LossFunction.CROSS_ENTROPY));
        await(client.optimStep(AdamConfig.of(5e-2)));
        double afterSecondStep = await(client.forward(data, LossFunction.CROSS_ENTROPY)).loss();

        await(client.loadStateWithOptimizer(saved.uri()));
        double reloaded = await(client.forward(data, LossFunction.CROSS_ENTROPY)).loss();
        await(client.forwardBackward(data, LossFunction.CROSS_ENTROPY));
        await(client.optimStep(AdamConfig.of(5e-2)));
        double replayedStep = await(client.forward(data, LossFunction.CROSS_ENTROPY)).loss();

        assertThat(saved.kind()).isEqualTo(SavedCheckpoint.Kind.TRAINING_STATE);
        assertThat(saved.uri()).isEqualTo("mint://" + client.policyId() + "/state/contract-state");
        assertThat(afterSecondStep).isNotEqualTo(atSave);
        assertThat(reloaded).isCloseTo(atSave, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(replayedStep).isCloseTo(afterSecondStep, org.assertj.core.data.Offset.offset(1e-5));

        await(client.loadState(saved.uri())); // weights only: a fresh optimizer
        assertThat(await(client.forward(data, LossFunction.CROSS_ENTROPY)).loss())
                .isCloseTo(atSave, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void shouldListAndDeleteCheckpointsAndHideExpiredOnes() throws Exception {
        TrainingClient client = newClient();
        RestClient rest = service().createRestClient();
        SavedCheckpoint state = await(client.saveState("contract-kept"));
        SavedCheckpoint sampler = await(client.saveWeightsForSampler("contract-ttl", Duration.ofDays(1)));
        await(client.saveWeightsForSampler("contract-expired", Duration.ofMillis(1)));
        Thread.sleep(20); // well past the 1 ms time to live

        List<SavedCheckpoint> listed = await(rest.listCheckpoints(client.policyId()));
        assertThat(listed).extracting(SavedCheckpoint::uri).containsExactlyInAnyOrder(state.uri(), sampler.uri());
        assertThat(listed).filteredOn(c -> c.uri().equals(sampler.uri())).singleElement()
                .satisfies(c -> assertThat(c.expiresAt()).isAfter(c.createdAt()));

        await(rest.deleteCheckpoint(state.uri()));
        assertThat(await(rest.listCheckpoints(client.policyId()))).extracting(SavedCheckpoint::uri)
                .containsExactly(sampler.uri());
        assertThatThrownBy(() -> await(rest.deleteCheckpoint(state.uri()))).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> await(client.loadState(state.uri()))).isInstanceOf(ExecutionException.class);
    }

    @Test
    void shouldFailBadCallsThroughTheFutureAndKeepWorking() throws Exception {
        TrainingClient client = newClient();
        List<Datum> data = sft(client, "ab", " cd");
        Datum outOfVocab = Datum.supervised(new int[] {1, 1 << 29, 2}, 1);

        assertThatThrownBy(() -> await(client.forwardBackward(List.of(outOfVocab), LossFunction.CROSS_ENTROPY)))
                .isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> await(client.loadState("mint://" + client.policyId() + "/state/none")))
                .isInstanceOf(ExecutionException.class);
        assertThat(await(client.forwardBackward(data, LossFunction.CROSS_ENTROPY)).loss()).isFinite();
        assertThat(await(client.optimStep(AdamConfig.of(1e-2))).step()).isEqualTo(1);
    }
}
