package ai.mint.chaos;

/** A fault scenario could not be set up or observed (not a finding: findings are counts in the chaos table). */
public final class ChaosException extends RuntimeException {

    public ChaosException(String message) {
        super(message);
    }

    public ChaosException(String message, Throwable cause) {
        super(message, cause);
    }
}
