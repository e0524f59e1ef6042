package ai.mint.engine.lora;

import ai.mint.engine.EngineException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkingSetPlannerTest {

    private static Map<String, Long> sizes(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        }
        return m;
    }

    @Test
    void evictsLeastRecentlyUsedUnpinnedUntilTheBatchFits() {
        var plan = WorkingSetPlanner.plan(sizes("old", 40, "pinned", 30, "recent", 20), Set.of("pinned"),
                sizes("new", 25, "recent", 20), 100);
        assertThat(plan.evict()).containsExactly("old");
        assertThat(plan.load()).containsExactly("new");
    }

    @Test
    void nothingMovesWhenEverythingIsResident() {
        var plan = WorkingSetPlanner.plan(sizes("a", 10, "b", 10), Set.of(), sizes("b", 10), 20);
        assertThat(plan.evict()).isEmpty();
        assertThat(plan.load()).isEmpty();
    }

    @Test
    void refusesWhenPinnedAndWantedBytesExceedTheBudget() {
        assertThatThrownBy(() -> WorkingSetPlanner.plan(sizes("p", 60), Set.of("p"), sizes("big", 50), 100))
                .isInstanceOf(EngineException.class).hasMessageContaining("50 bytes");
    }
}
