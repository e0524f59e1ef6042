package ai.mint.orchestration;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * How long the loop waits for each stage's result before it counts the try as failed, and how often it checks.
 * A lost request or result (a worker that died with it, a topic it never reached) would otherwise stall its policy
 * forever. A deadline of 0 waits forever.
 *
 * @param rolloutMs       wait for a rollout result
 * @param updateMs        wait for an update result
 * @param exportMs        wait for an export result
 * @param evalMs          wait for an eval result
 * @param checkIntervalMs how often (wall clock) due stages are looked for
 */
public record StageDeadlines(long rolloutMs, long updateMs, long exportMs, long evalMs, long checkIntervalMs) {

    /** Deadline of every stage unless configured otherwise: 15 minutes. */
    public static final int DEFAULT_MS = 15 * 60_000;
    /** Check interval unless configured otherwise. */
    public static final int DEFAULT_CHECK_INTERVAL_MS = 1_000;

    /** The deadline of a stage that waits in {@code phase}; 0 for none (or a phase that waits on nothing). */
    public long of(LoopPhase phase) {
        return switch (phase) {
            case ROLLOUT -> rolloutMs;
            case UPDATE -> updateMs;
            case EXPORT -> exportMs;
            case EVAL -> evalMs;
            default -> 0;
        };
    }

    /** The deadlines in {@code settings} (an app's configs or the orchestrator's values), defaults where absent. */
    static StageDeadlines from(Map<String, ?> settings) {
        return new StageDeadlines(read(settings, OrchestratorConfig.DEADLINE_ROLLOUT_MS, DEFAULT_MS),
                read(settings, OrchestratorConfig.DEADLINE_UPDATE_MS, DEFAULT_MS),
                read(settings, OrchestratorConfig.DEADLINE_EXPORT_MS, DEFAULT_MS),
                read(settings, OrchestratorConfig.DEADLINE_EVAL_MS, DEFAULT_MS),
                read(settings, OrchestratorConfig.DEADLINE_CHECK_INTERVAL_MS, DEFAULT_CHECK_INTERVAL_MS));
    }

    /** The settings that give these deadlines back through {@link #from}. */
    Map<String, Object> asSettings() {
        return Map.of(OrchestratorConfig.DEADLINE_ROLLOUT_MS, (int) rolloutMs,
                OrchestratorConfig.DEADLINE_UPDATE_MS, (int) updateMs,
                OrchestratorConfig.DEADLINE_EXPORT_MS, (int) exportMs,
                OrchestratorConfig.DEADLINE_EVAL_MS, (int) evalMs,
                OrchestratorConfig.DEADLINE_CHECK_INTERVAL_MS, (int) checkIntervalMs);
    }

    private static long read(Map<String, ?> settings, String name, int fallback) {
        Object value = settings.get(name);
        return value == null ? fallback : (Integer) ConfigDef.parseType(name, value, Type.INT);
    }
}
