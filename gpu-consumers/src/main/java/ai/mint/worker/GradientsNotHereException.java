package ai.mint.worker;

/**
 * An optim_step whose gradients are not on this worker: the forward_backward calls it names were taken by another
 * worker (the policy's partition moved), or before this worker restarted, or some of them failed. Answered with a
 * retriable error, never dead-lettered: the client sends those calls and the step again.
 */
final class GradientsNotHereException extends RuntimeException {

    GradientsNotHereException(String message) {
        super(message);
    }
}
