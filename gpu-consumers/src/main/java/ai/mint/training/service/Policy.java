package ai.mint.training.service;

import ai.mint.common.random.SplitMix64;
import ai.mint.engine.TrainablePolicy;
import ai.mint.engine.model.Projection;
import ai.mint.training.grpo.LrSchedule;

import java.util.Set;

/**
 * A LoRA policy trained by a {@link TrainingService}: its engine handle (factors, gradients and Adam state on the
 * device), its learning-rate schedule, its revision (how many optimizer steps produced the current weights) and its
 * own random generator, which seeds its rollouts and is saved with its state so that a resumed policy draws the same
 * samples. Model work on it goes through its service.
 */
public final class Policy {

    private final TrainablePolicy handle;
    private final LrSchedule schedule;
    private final SplitMix64 rng;
    private volatile long revision;

    Policy(TrainablePolicy handle, LrSchedule schedule, long seed) {
        this.handle = handle;
        this.schedule = schedule;
        this.rng = new SplitMix64(seed);
    }

    public String policyId() {
        return handle.policyId();
    }

    /** The adapter id a generation request names to sample from this policy's current weights. */
    public String adapterId() {
        return handle.adapterId();
    }

    public int rank() {
        return handle.rank();
    }

    public float alpha() {
        return handle.alpha();
    }

    public boolean rsLora() {
        return handle.rsLora();
    }

    public Set<Projection> targets() {
        return handle.targets();
    }

    public LrSchedule schedule() {
        return schedule;
    }

    /** How many optimizer steps produced the current weights (0 = the initial adapter). */
    public long revision() {
        return revision;
    }

    /** Optimizer steps the Adam state has taken (follows the revision, unless a state was loaded without it). */
    public long optimizerSteps() {
        return handle.optimizerSteps();
    }

    /** How often the factors were copied off the device (exports, saved states; never a training step). */
    public long hostCopies() {
        return handle.hostCopies();
    }

    /** The next seed of this policy's own random stream (rollout rows draw one each). */
    public synchronized long nextSeed() {
        return rng.nextLong();
    }

    synchronized long rngState() {
        return rng.state();
    }

    synchronized void restore(long revision, long rngState) {
        this.revision = revision;
        rng.setState(rngState);
    }

    void advanceRevision() {
        revision++;
    }

    TrainablePolicy handle() {
        return handle;
    }

    @Override
    public String toString() {
        return "policy " + policyId() + " @ revision " + revision;
    }
}
