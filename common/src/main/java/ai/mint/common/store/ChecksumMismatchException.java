package ai.mint.common.store;

/** The content of a stored artifact does not have the sha-256 it was recorded (or requested) with. */
public final class ChecksumMismatchException extends AdapterStoreException {

    public ChecksumMismatchException(String uri, String expected, String actual) {
        super("checksum mismatch for " + uri + ": expected sha-256 " + expected + ", content has " + actual);
    }
}
