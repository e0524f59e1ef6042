package ai.mint.catalog.query;

/**
 * The answer of a {@link CatalogReader} about one policy (its entry, a revision, a page of its revisions or moves).
 *
 * @param <T> what was looked up
 */
public sealed interface Lookup<T> {

    /** This instance owns the policy and has the answer. */
    record Found<T>(T value) implements Lookup<T> {
    }

    /** This instance owns the key, and there is no such policy (or revision). */
    record Missing<T>(String what) implements Lookup<T> {
    }

    /** Another instance owns the key; ask it at this base URL (http://host:port). */
    record Elsewhere<T>(String baseUrl) implements Lookup<T> {
    }

    /** The store cannot answer now (starting, rebalancing, restoring); try again shortly. */
    record NotReady<T>(String reason) implements Lookup<T> {
    }
}
