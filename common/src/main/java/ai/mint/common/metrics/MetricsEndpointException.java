package ai.mint.common.metrics;

/** A service cannot serve its metrics endpoint (port in use, not allowed); the message names the setting to change. */
public final class MetricsEndpointException extends RuntimeException {

    public MetricsEndpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
