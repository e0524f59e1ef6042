package ai.mint.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the project's file-reading source connectors split their work among tasks: each task gets the connector's
 * settings plus its number, and owns the paths whose hash falls to it, so that no two tasks read the same file.
 */
public record TaskShare(int taskId, int taskCount) {

    private static final String TASK_ID = "mint.task.id";
    private static final String TASK_COUNT = "mint.task.count";

    /** The settings of {@code maxTasks} tasks. */
    public static List<Map<String, String>> configs(Map<String, String> connectorProps, int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(connectorProps);
            task.put(TASK_ID, Integer.toString(i));
            task.put(TASK_COUNT, Integer.toString(maxTasks));
            configs.add(task);
        }
        return configs;
    }

    /** This task's share, from its settings (alone when they do not say). */
    public static TaskShare of(Map<String, String> taskProps) {
        return new TaskShare(Integer.parseInt(taskProps.getOrDefault(TASK_ID, "0")),
                Integer.parseInt(taskProps.getOrDefault(TASK_COUNT, "1")));
    }

    /** Whether this task reads {@code path}. */
    public boolean owns(String path) {
        return Math.floorMod(path.hashCode(), taskCount) == taskId;
    }
}
