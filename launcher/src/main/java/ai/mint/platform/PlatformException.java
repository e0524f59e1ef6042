package ai.mint.platform;

/** The embedded platform could not start, provision or stop; the message says what failed and what to do. */
public class PlatformException extends RuntimeException {

    public PlatformException(String message) {
        super(message);
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
