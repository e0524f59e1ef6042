package ai.mint.worker;

/**
 * A request the worker refuses because of what it says (unknown policy or base, a reward spec that does not parse, an
 * adapter whose checksum does not match, values out of range). It is answered with an error result and a dead letter;
 * the worker goes on.
 */
public final class RejectedWorkException extends RuntimeException {

    public RejectedWorkException(String message) {
        super(message);
    }

    public RejectedWorkException(String message, Throwable cause) {
        super(message, cause);
    }
}
