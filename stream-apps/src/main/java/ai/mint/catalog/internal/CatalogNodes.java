package ai.mint.catalog.internal;

/** Names of the catalog topology's processor nodes; processors forward to their children by these names. */
public final class CatalogNodes {

    public static final String LIFECYCLE = "catalog-lifecycle";
    public static final String SINK_CATALOG = "sink-catalog";
    public static final String SINK_REVISIONS = "sink-catalog-revisions";
    public static final String SINK_HISTORY = "sink-catalog-history";
    public static final String SINK_RETIREMENTS = "sink-catalog-retirements";
    public static final String SINK_SERVE_RESULTS = "sink-serve-results";
    public static final String SINK_ROLLBACK_RESULTS = "sink-rollback-results";
    public static final String SINK_DEAD_LETTER = "sink-dead-letter";

    private CatalogNodes() {
    }

    public static String source(String topic) {
        return "source-" + topic;
    }

    public static String decode(String topic) {
        return "decode-" + topic;
    }
}
