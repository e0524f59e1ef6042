package ai.mint.registry;

/** The registry could not be reached (connection refused, timeout, I/O error); retrying later may succeed. */
public class RegistryUnavailableException extends SchemaRegistryException {

    public RegistryUnavailableException(String url, String what, Throwable cause) {
        super("schema registry at " + url + " is unavailable (" + what + "); start the platform with `./mint up`"
                + " or fix schema.registry.url", cause);
    }
}
