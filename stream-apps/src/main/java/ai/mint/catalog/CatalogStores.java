package ai.mint.catalog;

/**
 * Names of the catalog app's state stores. Their changelog topics are {@code <application.id>-<name>-changelog}, so
 * renaming a store orphans its state: these names are part of the app's persistent layout.
 */
public final class CatalogStores {

    /** Policy id -> CatalogEntry: spec, serving pointer, newest revisions and moves, counts. Queried over HTTP. */
    public static final String ENTRIES = "catalog-entries";

    /** Policy id -> ids of its most recent events, to drop redelivered duplicates. */
    public static final String RECENT_EVENT_IDS = "catalog-recent-event-ids";

    /** {@code POLICY@REVISION} -> CatalogRevision: every revision of every policy. Queried over HTTP. */
    public static final String REVISIONS = "catalog-revisions";

    /** {@code POLICY@SEQUENCE} (zero-padded) -> PointerMoved: every move of every serving pointer. Queried over HTTP. */
    public static final String HISTORY = "catalog-history";

    /** {@code EXPIRES_AT@POLICY@REVISION} -> empty: revisions with a time to live, in expiry order. */
    public static final String EXPIRIES = "catalog-expiries";

    /** How many recent event ids are kept per policy. */
    public static final int RECENT_EVENT_IDS_PER_POLICY = 256;

    /** How many of the newest pointer moves a catalog entry carries (the rest are in {@link #HISTORY}). */
    public static final int ENTRY_HISTORY_MOVES = 8;

    private CatalogStores() {
    }
}
