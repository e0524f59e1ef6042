package ai.mint.worker;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.ForwardBackwardOutput;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.OptimStepResult;
import ai.mint.api.SampleResponse;
import ai.mint.api.SampledSequence;
import ai.mint.api.SamplingConfig;
import ai.mint.events.AdamParams;
import ai.mint.events.CheckpointInfo;
import ai.mint.events.ForwardBackwardReply;
import ai.mint.events.LossParams;
import ai.mint.events.OptimStepReply;
import ai.mint.events.SampleReply;
import ai.mint.events.SampledCompletion;
import ai.mint.events.SamplingParams;
import ai.mint.events.TrainingDatum;
import ai.mint.training.checkpoint.CheckpointMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker's side of the training topics: the Avro call fields read into the API's value types (which check them),
 * and the API's results written into reply fields. A value the API refuses becomes a {@link RejectedWorkException}
 * naming the field.
 */
final class TrainingCallCodec {

    private TrainingCallCodec() {
    }

    static List<Datum> data(List<TrainingDatum> data) {
        List<Datum> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            TrainingDatum d = data.get(i);
            try {
                out.add(new Datum(ints(d.getInputTokens()), ints(d.getTargetTokens()), floats(d.getWeights()),
                        d.getSamplingLogprobs() == null ? null : floats(d.getSamplingLogprobs()),
                        d.getAdvantages() == null ? null : floats(d.getAdvantages())));
            } catch (IllegalArgumentException e) {
                throw new RejectedWorkException("datum " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    static LossFunction loss(String name) {
        try {
            return LossFunction.fromName(name);
        } catch (IllegalArgumentException e) {
            throw new RejectedWorkException("loss_fn: " + e.getMessage(), e);
        }
    }

    static LossConfig lossConfig(LossParams p) {
        try {
            return new LossConfig(p.getClipLow(), p.getClipHigh(), p.getKlBeta(), p.getDroBeta());
        } catch (IllegalArgumentException e) {
            throw new RejectedWorkException("loss: " + e.getMessage(), e);
        }
    }

    static AdamConfig adam(AdamParams a) {
        try {
            return new AdamConfig(a.getLearningRate(), a.getBeta1(), a.getBeta2(), a.getEps(), a.getWeightDecay(),
                    a.getGradClip());
        } catch (IllegalArgumentException e) {
            throw new RejectedWorkException("adam: " + e.getMessage(), e);
        }
    }

    static SamplingConfig sampling(SamplingParams s, int maxTokensLimit) {
        if (s.getMaxTokens() > maxTokensLimit) {
            throw new RejectedWorkException("sampling.max_tokens " + s.getMaxTokens() + " is above this worker's "
                    + "limit " + maxTokensLimit);
        }
        try {
            return new SamplingConfig(s.getMaxTokens(), s.getTemperature(), s.getSeed(), s.getStop());
        } catch (IllegalArgumentException e) {
            throw new RejectedWorkException("sampling: " + e.getMessage(), e);
        }
    }

    static ForwardBackwardReply forwardBackward(ForwardBackwardOutput out) {
        List<List<Float>> logprobs = new ArrayList<>(out.logprobs().length);
        for (float[] row : out.logprobs()) {
            logprobs.add(RolloutHandler.boxedFloats(row));
        }
        return ForwardBackwardReply.newBuilder().setLoss(out.loss()).setMetrics(out.metrics()).setLogprobs(logprobs)
                .build();
    }

    static OptimStepReply optimStep(OptimStepResult r, boolean applied) {
        return OptimStepReply.newBuilder().setStep(r.step()).setGradNorm(r.gradNorm())
                .setLearningRate(r.learningRate()).setApplied(applied).build();
    }

    static SampleReply sample(SampleResponse r) {
        List<SampledCompletion> sequences = new ArrayList<>(r.sequences().size());
        for (SampledSequence s : r.sequences()) {
            sequences.add(SampledCompletion.newBuilder().setTokens(RolloutHandler.boxed(s.tokens()))
                    .setLogprobs(RolloutHandler.boxedFloats(s.logprobs()))
                    .setText(s.text() == null ? "" : s.text()).setFinishReason(s.stopReason()).build());
        }
        return SampleReply.newBuilder().setSequences(sequences).setRevision(r.revision()).build();
    }

    static CheckpointInfo checkpoint(CheckpointMetadata c) {
        String name = c.uri().substring(c.uri().lastIndexOf('/') + 1);
        return CheckpointInfo.newBuilder().setUri(c.uri()).setKind(c.kind().pathName()).setName(name)
                .setBytes(c.bytes()).setSha256(c.sha256()).setCreatedAt(c.createdAt().toEpochMilli())
                .setExpiresAt(c.expiresAt() == null ? null : c.expiresAt().toEpochMilli())
                .setStateVersion(c.stateVersion()).build();
    }

    static int[] ints(List<Integer> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
