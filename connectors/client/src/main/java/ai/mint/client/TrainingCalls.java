package ai.mint.client;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.ModelInfo;
import ai.mint.api.OptimStepResult;
import ai.mint.api.SampleResponse;
import ai.mint.api.SampledSequence;
import ai.mint.api.SamplingConfig;
import ai.mint.api.SavedCheckpoint;
import ai.mint.events.AdamParams;
import ai.mint.events.CheckpointInfo;
import ai.mint.events.ForwardBackwardReply;
import ai.mint.events.LossParams;
import ai.mint.events.OptimStepReply;
import ai.mint.events.SampleReply;
import ai.mint.events.SampledCompletion;
import ai.mint.events.SamplingParams;
import ai.mint.events.TrainingDatum;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's side of the training topics: the API's value types written into call fields, and reply fields read
 * back into the API's types. Pure conversions, no I/O (the worker's counterpart is its TrainingCallCodec).
 */
final class TrainingCalls {

    private TrainingCalls() {
    }

    static List<TrainingDatum> data(List<Datum> data) {
        List<TrainingDatum> out = new ArrayList<>(data.size());
        for (Datum d : data) {
            out.add(TrainingDatum.newBuilder().setInputTokens(boxed(d.inputTokens()))
                    .setTargetTokens(boxed(d.targetTokens())).setWeights(boxed(d.weights()))
                    .setSamplingLogprobs(d.samplingLogprobs() == null ? null : boxed(d.samplingLogprobs()))
                    .setAdvantages(d.advantages() == null ? null : boxed(d.advantages())).build());
        }
        return out;
    }

    static LossParams loss(LossConfig c) {
        return LossParams.newBuilder().setClipLow(c.clipLow()).setClipHigh(c.clipHigh()).setKlBeta(c.klBeta())
                .setDroBeta(c.droBeta()).build();
    }

    static AdamParams adam(AdamConfig a) {
        return AdamParams.newBuilder().setLearningRate(a.learningRate()).setBeta1(a.beta1()).setBeta2(a.beta2())
                .setEps(a.eps()).setWeightDecay(a.weightDecay()).setGradClip(a.gradClipNorm()).build();
    }

    static SamplingParams sampling(SamplingConfig s) {
        return SamplingParams.newBuilder().setMaxTokens(s.maxTokens()).setTemperature(s.temperature())
                .setSeed(s.seed()).setStop(s.stop()).build();
    }

    static ForwardBackwardOutput forwardBackward(ForwardBackwardReply r) {
        float[][] logprobs = new float[r.getLogprobs().size()][];
        for (int i = 0; i < logprobs.length; i++) {
            logprobs[i] = floats(r.getLogprobs().get(i));
        }
        return new ForwardBackwardOutput(r.getLoss(), r.getMetrics().entrySet().stream().collect(
                java.util.stream.Collectors.toMap(e -> e.getKey().toString(), java.util.Map.Entry::getValue,
                        (a, b) -> a, java.util.LinkedHashMap::new)), logprobs);
    }

    static OptimStepResult optimStep(OptimStepReply r) {
        return new OptimStepResult(r.getStep(), r.getGradNorm(), r.getLearningRate());
    }

    static SampleResponse sample(SampleReply r) {
        List<SampledSequence> sequences = new ArrayList<>(r.getSequences().size());
        for (SampledCompletion c : r.getSequences()) {
            sequences.add(new SampledSequence(ints(c.getTokens()), floats(c.getLogprobs()), c.getFinishReason(),
                    c.getText()));
        }
        return new SampleResponse(sequences, r.getRevision());
    }

    static SavedCheckpoint checkpoint(CheckpointInfo c) {
        return new SavedCheckpoint(c.getUri(), SavedCheckpoint.Kind.ofPathName(c.getKind()), c.getBytes(),
                c.getSha256(), Instant.ofEpochMilli(c.getCreatedAt()),
                c.getExpiresAt() == null ? null : Instant.ofEpochMilli(c.getExpiresAt()));
    }

    static ModelInfo info(ai.mint.events.ModelInfo i) {
        return new ModelInfo(i.getBaseModel(), i.getVocabSize(), i.getEosTokenId(), i.getMaxPositions(),
                i.getLoraRank(), i.getTargetModules());
    }

    /** The policy a {@code mint://POLICY/KIND/NAME} address belongs to (its calls are keyed by it). */
    static String policyOf(String uri) {
        String prefix = "mint://";
        String[] parts = uri == null || !uri.startsWith(prefix) ? new String[0]
                : uri.substring(prefix.length()).split("/", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[2].isEmpty()
                || !(parts[1].equals("state") || parts[1].equals("sampler"))) {
            throw new IllegalArgumentException("a checkpoint address is mint://POLICY/state/NAME or "
                    + "mint://POLICY/sampler/NAME, got '" + uri + "'");
        }
        return parts[0];
    }

    static List<Integer> boxed(int[] values) {
        List<Integer> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    static List<Float> boxed(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
