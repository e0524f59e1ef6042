package ai.mint.common.catalog;

/**
 * The catalog's HTTP query API, as both sides know it: paths, parameters and limits. Every answer is JSON; errors are
 * {@code {"error": CODE, "message": TEXT}}; 503 answers carry {@code Retry-After}.
 * <pre>
 * GET /policies?after=ID&amp;limit=N&amp;label=K:V&amp;status=S&amp;base_model=M   a page of summaries, in id order, across instances
 * GET /policies:count?label=K:V&amp;status=S&amp;base_model=M               how many policies match
 * GET /policies/{id}                                             the (bounded) catalog entry
 * GET /policies/{id}/revisions?after=REV&amp;limit=N                  the policy's revisions, in revision-id order
 * GET /policies/{id}/revisions/{rev}                              one revision
 * GET /policies/{id}/history?after=SEQ&amp;limit=N                    the pointer moves, oldest first
 * </pre>
 * Pages answer {@code {"items": [...], "next_cursor": C, "has_more": B}}: pass {@code after=C} for the next page.
 */
public final class CatalogApi {

    public static final String POLICIES = "policies";
    public static final String COUNT = "policies:count";
    public static final String REVISIONS = "revisions";
    public static final String HISTORY = "history";
    /** Paths instances use among themselves to merge lists and counts. */
    public static final String INTERNAL = "internal";

    public static final String AFTER = "after";
    public static final String LIMIT = "limit";

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;
    /** Longest cursor; policy ids and revision ids are shorter. */
    public static final int MAX_CURSOR_BYTES = 512;
    /** Seconds a client should wait before retrying a 503. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private CatalogApi() {
    }
}
