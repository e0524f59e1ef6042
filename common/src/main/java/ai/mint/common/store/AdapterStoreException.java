package ai.mint.common.store;

/** An artifact could not be stored or found: the message names the address and what is wrong. */
public class AdapterStoreException extends RuntimeException {

    public AdapterStoreException(String message) {
        super(message);
    }

    public AdapterStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
