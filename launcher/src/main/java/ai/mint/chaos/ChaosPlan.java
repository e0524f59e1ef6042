package ai.mint.chaos;

import java.time.Duration;
import java.util.List;

/**
 * How hard and how long the fault suite pushes: which faults, the loads' rates, the steps of each scenario's training
 * policy, how long an outage lasts and how long recovery may take before the scenario fails.
 *
 * @param faults              the faults, run one after another, each under fresh loads
 * @param probeIntervalMs     pause between two probe events
 * @param inferenceIntervalMs pause between two inference requests
 * @param trainingSteps       steps of each scenario's training policy
 * @param loadBeforeFault     load to run before the fault is injected
 * @param outage              how long the registry is stopped or the store read-only
 * @param recoveryTimeout     how long a recovery (and the end of the scenario's training) may take
 */
public record ChaosPlan(List<Fault> faults, long probeIntervalMs, long inferenceIntervalMs, int trainingSteps,
                        Duration loadBeforeFault, Duration outage, Duration recoveryTimeout) {

    public ChaosPlan {
        faults = List.copyOf(faults);
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("a chaos plan needs at least one fault");
        }
        if (trainingSteps < 2) {
            throw new IllegalArgumentException("training steps must be >= 2 (a chain needs a parent), got "
                    + trainingSteps);
        }
    }

    /** Every fault, 30 s outages, the full suite ({@code mint chaos}). */
    public static ChaosPlan full() {
        return new ChaosPlan(List.of(Fault.values()), 10, 250, 4, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(180));
    }

    /** The same faults with short loads ({@code mint chaos --quick} and the IT pick their faults). */
    public static ChaosPlan quick(List<Fault> faults) {
        return new ChaosPlan(faults, 10, 400, 2, Duration.ofSeconds(2), Duration.ofSeconds(10),
                Duration.ofSeconds(150));
    }
}
