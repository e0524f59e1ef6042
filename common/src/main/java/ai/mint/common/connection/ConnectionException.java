package ai.mint.common.connection;

/**
 * The platform's address or connection settings are unknown or wrong. The message names the setting and how to give
 * it; {@link #missing()} tells an address nobody gave (the platform is probably not up) from one given badly.
 */
public class ConnectionException extends RuntimeException {

    private final boolean missing;

    /** A setting that was given but is wrong (an unreadable file, a forbidden key). */
    public ConnectionException(String message) {
        this(message, false, null);
    }

    public ConnectionException(String message, boolean missing, Throwable cause) {
        super(message, cause);
        this.missing = missing;
    }

    /** True when no source gave the address at all, rather than a wrong one. */
    public boolean missing() {
        return missing;
    }
}
