package ai.mint.catalog;

/**
 * Names of the catalog app's state stores. Their changelog topics are {@code <application.id>-<name>-changelog}, so
 * renaming a store orphans its state: these names are part of the app's persistent layout.
 */
public final class CatalogStores {

    /** Policy id -> CatalogEntry: spec, revisions, serving pointer, history. Queried over HTTP. */
    public static final String ENTRIES = "catalog-entries";

    /** Policy id -> ids of its most recent events, to drop redelivered duplicates. */
    public static final String RECENT_EVENT_IDS = "catalog-recent-event-ids";

    /** How many recent event ids are kept per policy. */
    public static final int RECENT_EVENT_IDS_PER_POLICY = 256;

    private CatalogStores() {
    }
}
