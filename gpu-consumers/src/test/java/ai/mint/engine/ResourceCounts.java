package ai.mint.engine;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Counts every native resource under a manager, recursively: arrays, sub-managers and anything else attached.
 * {@code getManagedArrays()} sees arrays only, so a leaked empty sub-manager would go unnoticed there. DJL keeps
 * the attachment map in a protected field; reading it reflectively is a test-only measure.
 */
public final class ResourceCounts {

    private ResourceCounts() {
    }

    public static int recursive(NDManager manager) {
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            List<AutoCloseable> children = new ArrayList<>(((Map<?, AutoCloseable>) f.get(manager)).values());
            int n = children.size();
            for (AutoCloseable child : children) {
                if (child instanceof NDManager sub) {
                    n += recursive(sub);
                }
            }
            return n;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read DJL's resource map", e);
        }
    }
}
