package ai.mint.client;

/** A client call that could not be made or was refused; the message says what and why. */
public final class MintClientException extends RuntimeException {

    public MintClientException(String message) {
        super(message);
    }

    public MintClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
