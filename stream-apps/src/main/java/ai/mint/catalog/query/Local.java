package ai.mint.catalog.query;

/**
 * What one instance says about the part of the catalog it holds (a page of its policies, a count), or why it cannot
 * say it now.
 *
 * @param <T> the answer
 */
public sealed interface Local<T> {

    record Ready<T>(T value) implements Local<T> {
    }

    /** The stores cannot be read now (starting, rebalancing, restoring). */
    record NotReady<T>(String reason) implements Local<T> {
    }
}
