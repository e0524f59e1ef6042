package ai.mint.chaos;

import java.util.Locale;

/**
 * What one fault scenario counted: probe events produced and consumed (lost, duplicated), inference requests
 * accepted and answered (errors, answers delivered twice, second answers the client dropped), training steps applied
 * (twice, chain), and the recovery time.
 */
public record ScenarioResult(Fault fault, long produced, long consumed, long lost, long duplicated, long failedSends,
                             long accepted, long answered, long errors, long duplicatesDelivered,
                             long secondAnswersDropped, int steps, int stepsWanted, int stepsTwice,
                             boolean chainContinuous, String chainBreak, double recoverySeconds) {

    static ScenarioResult of(Fault fault, ProbeLoad.Counts probe, InferenceLoad.Counts inference,
                             TrainingCheck.Verdict training, double recoverySeconds) {
        return new ScenarioResult(fault, probe.acked(), probe.consumed(), probe.lost(), probe.duplicated(),
                probe.failed(), inference.accepted(), inference.answered(), inference.errors(), inference.twice(),
                inference.dropped(), training.applied(), training.wanted(), training.twice(), training.continuous(),
                training.chainBreak(), recoverySeconds);
    }

    /** The suite's goal: nothing lost or repeated, every accepted request answered, every step once, in a chain. */
    public boolean clean() {
        return lost == 0 && duplicated == 0 && failedSends == 0 && duplicatesDelivered == 0 && answered == accepted
                && stepsTwice == 0 && chainContinuous && steps == stepsWanted;
    }

    /** One line for progress output. */
    public String summary() {
        return String.format(Locale.ROOT, "%s: events %d produced / %d consumed (%d lost, %d duplicated, %d failed "
                        + "sends); requests %d accepted / %d answered (%d errors, %d delivered twice, %d second answers "
                        + "dropped); steps %d/%d (%d twice, chain %s); recovery %.1f s", fault.description(), produced,
                consumed, lost, duplicated, failedSends, accepted, answered, errors, duplicatesDelivered,
                secondAnswersDropped, steps, stepsWanted, stepsTwice,
                chainContinuous ? "continuous" : "broken: " + chainBreak, recoverySeconds);
    }
}
