package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.FeedbackTraining;
import ai.mint.events.PolicySpec;
import ai.mint.events.ServeResult;
import ai.mint.events.UpdateResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bad input of every kind: it lands in the dead-letter topic with a reason, changes nothing, and never stops the app. */
class CatalogRobustnessTest extends CatalogDriverFixture {

    private static final String P = "policy-b";

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void shouldRouteUndeserializableRecordToDeadLetter() {
        catalog.specs.pipeInput(P, events.spec(P, null));
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        catalog.pipeRaw(catalog.topics.updateResults(), P, garbage);

        DeadLetter letter = catalog.deadLetters.readValue();
        assertThat(letter.getErrorClass()).isEqualTo("UNDESERIALIZABLE");
        assertThat(letter.getReason()).startsWith("record in mint.update.results does not decode");
        assertThat(letter.getSourceTopic()).isEqualTo(catalog.topics.updateResults());
        assertThat(letter.getSourcePartition()).isEqualTo(0);
        assertThat(letter.getSourceOffset()).isEqualTo(0L);
        assertThat(letter.getPolicyId()).isEqualTo(P);
        assertThat(bytes(letter.getValue())).isEqualTo(garbage);
        assertThat(bytes(letter.getKey())).isEqualTo(P.getBytes(StandardCharsets.UTF_8));
        assertThat(letter.getApp()).isEqualTo(CatalogDriver.APP);

        // the app goes on: the next good record is folded, at the next offset
        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));
        assertThat(catalog.entry(P).getRevisions()).hasSize(1);
        assertThat(catalog.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterTombstoneWithoutDeletingPolicy() {
        catalog.specs.pipeInput(P, events.spec(P, null));
        catalog.pipeRaw(catalog.topics.policySpecs(), P, null);

        assertThat(catalog.deadLetters.readValue().getReason()).contains("null value");
        assertThat(catalog.entry(P)).isNotNull();
    }

    @Test
    void shouldIgnoreDuplicateEventId() {
        catalog.specs.pipeInput(P, events.spec(P, null));
        UpdateResult update = events.update(P, "", "r1", 1);
        catalog.updates.pipeInput(P, update);
        CatalogEntry afterFirst = catalog.entry(P);
        catalog.drainCatalog();

        catalog.updates.pipeInput(P, update); // redelivered: same event id

        assertThat(catalog.entry(P)).isEqualTo(afterFirst);
        assertThat(catalog.catalog.isEmpty()).isTrue();
        assertThat(catalog.deadLetters.isEmpty()).isTrue(); // a duplicate is not an error
        assertThat(catalog.recentIds().get(P).ids()).containsExactly(
                afterFirst.getSpec().getEventId(), update.getEventId());
    }

    @Test
    void shouldRejectSameRevisionProducedTwiceUnderNewEventId() {
        catalog.specs.pipeInput(P, events.spec(P, null));
        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));
        CatalogEntry before = catalog.entry(P);

        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));

        assertThat(catalog.deadLetters.readValue().getReason()).contains("revision r1 already exists");
        assertThat(catalog.entry(P)).isEqualTo(before);
    }

    @Test
    void shouldRejectEventsOfUnknownPolicy() {
        catalog.updates.pipeInput("ghost", events.update("ghost", "", "r1", 1));
        catalog.serves.pipeInput("ghost", events.serve("ghost", "r1"));

        DeadLetter first = catalog.deadLetters.readValue();
        assertThat(first.getErrorClass()).isEqualTo("UNKNOWN_POLICY");
        assertThat(first.getReason()).startsWith("unknown policy ghost");
        assertThat(catalog.deadLetters.readValue().getSourceTopic()).isEqualTo(catalog.topics.serveRequests());
        ServeResult refused = catalog.serveResults.readValue();
        assertThat(refused.getAccepted()).isFalse();
        assertThat(catalog.entry("ghost")).isNull();
        assertThat(catalog.recentIds().get("ghost")).isNull(); // made-up keys leave no state behind
    }

    @Test
    void shouldRejectSpecWithRankOrAlphaOutOfRange() {
        catalog.specs.pipeInput(P, events.spec(P, 65, 16.0, null));
        catalog.specs.pipeInput(P, events.spec(P, 0, 16.0, null));
        catalog.specs.pipeInput(P, events.spec(P, 8, 0.0, null));

        assertThat(catalog.deadLetters.readValuesToList()).extracting(DeadLetter::getReason).containsExactly(
                "policy policy-b: lora.rank 65 is out of range 1..64",
                "policy policy-b: lora.rank 0 is out of range 1..64",
                "policy policy-b: lora.alpha 0.0 must be a finite number > 0");
        assertThat(catalog.entry(P)).isNull();
        assertThat(catalog.catalog.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepAFeedbackTrainingOptInAndRejectOneThatCannotTrain() {
        PolicySpec optedIn = events.spec(P, null);
        optedIn.setFeedbackTraining(FeedbackTraining.newBuilder().setBatchSize(16).setLearningRate(0.02)
                .setClipEpsilon(0.1).setMaxBuffered(64).build());
        catalog.specs.pipeInput(P, optedIn);
        assertThat(catalog.entry(P).getSpec().getFeedbackTraining()).isEqualTo(optedIn.getFeedbackTraining());
        assertThat(catalog.entry(P).getSpec().getFeedbackTraining().getKlCoef()).isEqualTo(0.0); // the default

        PolicySpec tooSmallBuffer = events.spec(P, null);
        tooSmallBuffer.setFeedbackTraining(FeedbackTraining.newBuilder().setBatchSize(16).setLearningRate(0.02)
                .setMaxBuffered(8).build());
        PolicySpec wideClip = events.spec(P, null);
        wideClip.setFeedbackTraining(FeedbackTraining.newBuilder().setBatchSize(16).setLearningRate(0.02)
                .setClipEpsilon(1.5).build());
        catalog.specs.pipeInput(P, tooSmallBuffer);
        catalog.specs.pipeInput(P, wideClip);

        assertThat(catalog.deadLetters.readValuesToList()).extracting(DeadLetter::getReason).containsExactly(
                "policy policy-b: feedback_training.max_buffered 8 must be >= batch_size 16 (or no batch could ever fill)",
                "policy policy-b: feedback_training.clip_epsilon 1.5 must be in (0, 1)");
        assertThat(catalog.entry(P).getSpec().getFeedbackTraining().getMaxBuffered()).isEqualTo(64); // unchanged
    }

    @Test
    void shouldRejectStagesOutOfOrder() {
        catalog.specs.pipeInput(P, events.spec(P, Events.gate(0.5, 0.0)));
        catalog.updates.pipeInput(P, events.update(P, "", "r1", 1));
        CatalogEntry trained = catalog.entry(P);

        catalog.evals.pipeInput(P, events.eval(P, "r1", 0.9));     // eval before export
        catalog.exports.pipeInput(P, events.export(P, "r7", 1));   // export of a revision never trained
        catalog.updates.pipeInput(P, events.update(P, "r1", "r2", 1)); // step not after its parent's

        assertThat(catalog.deadLetters.readValuesToList()).extracting(DeadLetter::getReason).containsExactly(
                "policy policy-b: eval of revision r1 which is TRAINED, expected EXPORTED",
                "policy policy-b: export of unknown revision r7",
                "policy policy-b: revision r2 has step 1, not after its base r1 at step 1");
        assertThat(catalog.entry(P)).isEqualTo(trained);
        assertThat(catalog.serveResults.isEmpty()).isTrue();
    }

    @Test
    void shouldRejectRecordWhoseKeyIsNotItsPolicyId() {
        PolicySpec spec = events.spec(P, null);
        catalog.specs.pipeInput("other-key", spec);

        DeadLetter letter = catalog.deadLetters.readValue();
        assertThat(letter.getErrorClass()).isEqualTo("KEY_MISMATCH");
        assertThat(letter.getReason()).contains("record key 'other-key' is not its policy_id 'policy-b'");
        assertThat(catalog.entry(P)).isNull();
        assertThat(catalog.entry("other-key")).isNull();
    }
}
