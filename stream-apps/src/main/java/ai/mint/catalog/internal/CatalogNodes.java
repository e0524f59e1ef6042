package ai.mint.catalog.internal;

import ai.mint.topics.Tenant;

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
    public static final String SINK_TENANT_SERVE_RESULTS = "sink-tenant-serve-results";
    public static final String SINK_TENANT_ROLLBACK_RESULTS = "sink-tenant-rollback-results";

    private CatalogNodes() {
    }

    public static String source(String topic) {
        return "source-" + topic;
    }

    public static String decode(String topic) {
        return "decode-" + topic;
    }

    /** The node name part of every tenant's topics of {@code kind}, read by pattern. */
    public static String tenantInput(Tenant.Kind kind) {
        return "tenant-" + kind.suffix().replace('.', '-');
    }

    /**
     * The results topic of {@code kind} of the tenant whose request topic {@code sourceTopic} is: where the answer to
     * a tenant's request also goes.
     */
    public static String tenantAnswerTopic(String sourceTopic, Tenant.Kind kind) {
        return Tenant.ofTopic(sourceTopic).map(t -> t.topic(kind)).orElseThrow(() -> new IllegalStateException(
                "an answer for a tenant came from " + sourceTopic + ", which is no tenant's topic"));
    }
}
