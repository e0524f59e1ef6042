package ai.mint.common.catalog;

import ai.mint.events.FeedbackTraining;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.serde.AvroSerdes;
import java.util.Optional;

/**
 * The rules a policy spec must meet, shared by the catalog (which dead-letters a spec that breaks them) and the bulk
 * importer (which reports the line and sends nothing). Each problem names the field.
 */
public final class PolicySpecChecks {

    public static final int MIN_RANK = 1;
    public static final int MAX_RANK = 64;
    /**
     * Largest spec, in Avro binary bytes. The catalog entry carries the spec, so this bound (with the entry's bounded
     * revisions and moves) keeps every catalog record far below the topics' 1 MB limit.
     */
    public static final int MAX_SPEC_BYTES = 256 * 1024;

    private PolicySpecChecks() {
    }

    /** What is wrong with a spec, if anything: the first problem found, naming its field. */
    public static Optional<String> problem(PolicySpec spec) {
        Optional<String> id = PolicyIds.problem(spec.getPolicyId());
        if (id.isPresent()) {
            return id;
        }
        if (spec.getBaseModel() == null || spec.getBaseModel().isBlank()) {
            return Optional.of("base_model is empty");
        }
        LoraSpec lora = spec.getLora();
        if (lora == null) {
            return Optional.of("lora is missing");
        }
        if (lora.getRank() < MIN_RANK || lora.getRank() > MAX_RANK) {
            return Optional.of("lora.rank " + lora.getRank() + " is out of range " + MIN_RANK + ".." + MAX_RANK);
        }
        if (!(lora.getAlpha() > 0) || Double.isInfinite(lora.getAlpha())) {
            return Optional.of("lora.alpha " + lora.getAlpha() + " must be a finite number > 0");
        }
        if (lora.getDropout() < 0 || lora.getDropout() >= 1) {
            return Optional.of("lora.dropout " + lora.getDropout() + " must be in [0, 1)");
        }
        if (spec.getGate() != null && spec.getGate().getMetric().isBlank()) {
            return Optional.of("gate.metric is empty");
        }
        if (spec.getTraining() != null) {
            if (spec.getTraining().getSteps() < 1) {
                return Optional.of("training.steps " + spec.getTraining().getSteps() + " must be >= 1");
            }
            if (spec.getTraining().getGroupSize() < 1) {
                return Optional.of("training.group_size " + spec.getTraining().getGroupSize() + " must be >= 1");
            }
        }
        Optional<String> feedback = feedbackProblem(spec.getFeedbackTraining());
        if (feedback.isPresent()) {
            return feedback;
        }
        int bytes = AvroSerdes.plainBinary(spec).length;
        if (bytes > MAX_SPEC_BYTES) {
            return Optional.of("the spec is " + bytes + " bytes, at most " + MAX_SPEC_BYTES
                    + " are allowed (training.prompts and reward_spec are the usual culprits)");
        }
        return Optional.empty();
    }

    private static Optional<String> feedbackProblem(FeedbackTraining f) {
        if (f == null) {
            return Optional.empty();
        }
        if (f.getBatchSize() < 1) {
            return Optional.of("feedback_training.batch_size " + f.getBatchSize() + " must be >= 1");
        }
        if (!(f.getLearningRate() > 0) || Double.isInfinite(f.getLearningRate())) {
            return Optional.of("feedback_training.learning_rate " + f.getLearningRate() + " must be a finite number > 0");
        }
        if (!(f.getClipEpsilon() > 0 && f.getClipEpsilon() < 1)) {
            return Optional.of("feedback_training.clip_epsilon " + f.getClipEpsilon() + " must be in (0, 1)");
        }
        if (!(f.getKlCoef() >= 0) || Double.isInfinite(f.getKlCoef())) {
            return Optional.of("feedback_training.kl_coef " + f.getKlCoef() + " must be a finite number >= 0");
        }
        if (f.getMaxBuffered() < f.getBatchSize()) {
            return Optional.of("feedback_training.max_buffered " + f.getMaxBuffered()
                    + " must be >= batch_size " + f.getBatchSize() + " (or no batch could ever fill)");
        }
        return Optional.empty();
    }

    /**
     * Why {@code next} may not replace {@code current} as the spec of an existing policy: adapters are trained for one
     * base model and one LoRA shape, so those never change (a new policy id is the way).
     */
    public static Optional<String> changeProblem(PolicySpec current, PolicySpec next) {
        String policy = next.getPolicyId();
        String advice = "; adapters are trained for one base model and LoRA shape: register a new policy id instead";
        if (!current.getBaseModel().equals(next.getBaseModel())) {
            return Optional.of("base_model cannot change from '" + current.getBaseModel() + "' to '"
                    + next.getBaseModel() + "' for policy " + policy + advice);
        }
        LoraSpec was = current.getLora();
        LoraSpec now = next.getLora();
        if (was.getRank() != now.getRank()) {
            return Optional.of("lora.rank cannot change from " + was.getRank() + " to " + now.getRank()
                    + " for policy " + policy + advice);
        }
        if (Double.compare(was.getAlpha(), now.getAlpha()) != 0) {
            return Optional.of("lora.alpha cannot change from " + was.getAlpha() + " to " + now.getAlpha()
                    + " for policy " + policy + advice);
        }
        if (!java.util.List.copyOf(was.getTargetModules()).equals(java.util.List.copyOf(now.getTargetModules()))) {
            return Optional.of("lora.target_modules cannot change from " + was.getTargetModules() + " to "
                    + now.getTargetModules() + " for policy " + policy + advice);
        }
        return Optional.empty();
    }
}
