package ai.mint.catalog;

import ai.mint.topics.Topics;
import java.util.List;
import java.util.Objects;

/**
 * The topics the catalog app reads and writes, by name. Immutable; {@link #defaults()} are the platform's topics, and
 * tests or a second deployment on a shared cluster may pass others.
 */
public record CatalogTopics(
        String policySpecs,
        String updateResults,
        String exportResults,
        String evalResults,
        String serveRequests,
        String rollbackRequests,
        String catalog,
        String catalogRevisions,
        String catalogHistory,
        String catalogRetirements,
        String serveResults,
        String rollbackResults,
        String deadLetter) {

    public CatalogTopics {
        for (String name : List.of(policySpecs, updateResults, exportResults, evalResults, serveRequests,
                rollbackRequests, catalog, catalogRevisions, catalogHistory, catalogRetirements, serveResults,
                rollbackResults, deadLetter)) {
            Objects.requireNonNull(name, "topic name");
        }
    }

    /** The topics of {@link Topics}. */
    public static CatalogTopics defaults() {
        return new CatalogTopics(
                Topics.POLICY_SPECS.name(),
                Topics.UPDATE_RESULTS.name(),
                Topics.EXPORT_RESULTS.name(),
                Topics.EVAL_RESULTS.name(),
                Topics.SERVE_REQUESTS.name(),
                Topics.ROLLBACK_REQUESTS.name(),
                Topics.CATALOG.name(),
                Topics.CATALOG_REVISIONS.name(),
                Topics.CATALOG_HISTORY.name(),
                Topics.CATALOG_RETIREMENTS.name(),
                Topics.SERVE_RESULTS.name(),
                Topics.ROLLBACK_RESULTS.name(),
                Topics.DEAD_LETTER.name());
    }
}
