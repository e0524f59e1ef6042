package ai.mint.schemas.compat;

/**
 * Which way a schema change must stay readable. BACKWARD: the new schema reads data written with the old one
 * (consumers upgraded first; the Confluent registry's default). FORWARD: the old schema reads data written with the
 * new one (consumers still running old code). FULL: both.
 */
public enum CompatibilityMode {
    BACKWARD,
    FORWARD,
    FULL;

    boolean checksBackward() {
        return this != FORWARD;
    }

    boolean checksForward() {
        return this != BACKWARD;
    }
}
