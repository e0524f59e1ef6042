package ai.mint.training;

/** A training operation that cannot go on (a missing or inconsistent checkpoint, a bad request); the message says why. */
public class TrainingException extends RuntimeException {

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
