package ai.mint.catalog.query;

import ai.mint.catalog.CatalogDriver;

/** Readers over a {@link CatalogDriver}'s stores, for tests of what reads the catalog over HTTP. */
public final class CatalogReaders {

    private CatalogReaders() {
    }

    /** A single instance that owns every policy. */
    public static CatalogReader over(CatalogDriver driver) {
        return new ShardedStoreReader(driver.entries(), driver.revisions(), driver.history(), id -> true);
    }
}
