package ai.mint.worker;

/**
 * A request the worker refuses because of what it says (unknown policy or base, a reward spec that does not parse, an
 * adapter whose checksum does not match, values out of range). It is answered with an error result and a dead letter;
 * the worker goes on. Its {@link #code()}, where known, tells inference clients what kind of refusal it is (the
 * {@code error_code} of an inference response).
 */
public final class RejectedWorkException extends RuntimeException {

    /** The request itself is wrong (values out of range, prompt past the context length). */
    public static final String BAD_REQUEST = "bad_request";
    /** The policy or revision it names does not exist. */
    public static final String NOT_FOUND = "not_found";
    /** It cannot be served now or here (no serving revision, not exported yet, another base model). */
    public static final String UNAVAILABLE = "unavailable";

    private final String code;

    public RejectedWorkException(String message) {
        this(null, message, null);
    }

    public RejectedWorkException(String message, Throwable cause) {
        this(null, message, cause);
    }

    /** A refusal of a known kind: {@link #BAD_REQUEST}, {@link #NOT_FOUND} or {@link #UNAVAILABLE}. */
    public RejectedWorkException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The kind of refusal, or null when not classified. */
    public String code() {
        return code;
    }
}
