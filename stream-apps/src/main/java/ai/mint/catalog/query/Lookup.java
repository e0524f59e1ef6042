package ai.mint.catalog.query;

import ai.mint.events.CatalogEntry;

/** The answer of a {@link CatalogReader} for one policy id. */
public sealed interface Lookup {

    /** This instance owns the policy and has its entry. */
    record Found(CatalogEntry entry) implements Lookup {
    }

    /** This instance owns the key, and no such policy exists. */
    record Missing() implements Lookup {
    }

    /** Another instance owns the key; ask it at this base URL (http://host:port). */
    record Elsewhere(String baseUrl) implements Lookup {
    }

    /** The store cannot answer now (starting, rebalancing, restoring); try again shortly. */
    record NotReady(String reason) implements Lookup {
    }
}
