package ai.mint.common.decode;

import org.apache.kafka.common.errors.RetriableException;

/**
 * A record could not be decoded for a reason that is not the record's: the schema registry is unreachable, answers
 * 5xx, or refuses the credentials. Nothing is wrong with the input, so it must not be dead-lettered: the caller
 * processes it again later (a stream app by failing the task, which resumes from its last commit; a consumer by
 * seeking back to the record).
 */
public class RetriableDecodeException extends RetriableException {

    public RetriableDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
