package ai.mint.common.catalog.lookup;

/** The catalog's query API could not answer: unreachable, not ready within the timeout, or it refused the request. */
public class CatalogLookupException extends RuntimeException {

    private final int status;

    public CatalogLookupException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the catalog answered with; 0 when it did not answer. */
    public int status() {
        return status;
    }
}
