package ai.mint.orchestration;

/** Where a policy's training loop is: waiting on one stage's result, or not running (and why). */
public enum LoopPhase {
    IDLE, ROLLOUT, UPDATE, EXPORT, EVAL, DONE, STOPPED, FAILED;

    /** Whether the loop waits on a worker's result. */
    public boolean inFlight() {
        return this == ROLLOUT || this == UPDATE || this == EXPORT || this == EVAL;
    }
}
