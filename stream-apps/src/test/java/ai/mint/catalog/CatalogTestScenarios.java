package ai.mint.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Catalogs folded by the real topology, for tests of what reads them. */
public final class CatalogTestScenarios {

    private CatalogTestScenarios() {
    }

    /** A driver that has folded some policies, and their ids in creation order. */
    public record Folded(CatalogDriver driver, List<String> policyIds) {
    }

    /**
     * Seven policies: even ones without gate (one trained revision), odd ones gated with r1 and r2 promoted in turn.
     * The first three are labelled tenant acme, the others tenant globex.
     */
    public static Folded sevenPolicies(Path stateDir) {
        CatalogDriver driver = new CatalogDriver(stateDir);
        Events events = new Events();
        List<String> ids = new ArrayList<>();
        for (int p = 0; p < 7; p++) {
            String id = "policy-" + (char) ('a' + p);
            ids.add(id);
            boolean gated = p % 2 == 1;
            var spec = events.spec(id, gated ? Events.gate(0.5, 0.0) : null);
            spec.setLabels(java.util.Map.of("tenant", p < 3 ? "acme" : "globex"));
            driver.specs.pipeInput(id, spec);
            driver.updates.pipeInput(id, events.update(id, "", "r1", 1));
            if (gated) {
                driver.exports.pipeInput(id, events.export(id, "r1", 1));
                driver.evals.pipeInput(id, events.eval(id, "r1", 0.6));
                driver.updates.pipeInput(id, events.update(id, "r1", "r2", 2));
                driver.exports.pipeInput(id, events.export(id, "r2", 2));
                driver.evals.pipeInput(id, events.eval(id, "r2", 0.7));
            }
        }
        return new Folded(driver, ids);
    }
}
