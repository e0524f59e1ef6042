package ai.mint.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One policy's Adam state: first and second moments per named parameter and the number of steps taken. It belongs
 * to exactly one policy, so policies trained in the same batch never share moments. The moments live in a manager of
 * their own, closed with this state.
 */
final class AdamState implements AutoCloseable {

    private static final String FIRST = "adam.m.";
    private static final String SECOND = "adam.v.";

    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long step;

    AdamState(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** Optimizer steps taken so far. */
    public long step() {
        return step;
    }

    void advance() {
        step++;
    }

    NDArray firstMoment(String name, NDArray like) {
        return firstMoments.computeIfAbsent(name, n -> manager.zeros(like.getShape(), like.getDataType()));
    }

    NDArray secondMoment(String name, NDArray like) {
        return secondMoments.computeIfAbsent(name, n -> manager.zeros(like.getShape(), like.getDataType()));
    }

    /** Read-only view of the first moments, by parameter name. */
    public Map<String, NDArray> firstMoments() {
        return Collections.unmodifiableMap(firstMoments);
    }

    /** Read-only view of the second moments, by parameter name. */
    public Map<String, NDArray> secondMoments() {
        return Collections.unmodifiableMap(secondMoments);
    }

    /** The moments as named tensors ({@code adam.m.NAME}, {@code adam.v.NAME}) for saving; the step is saved apart. */
    public NDList toNDList() {
        NDList list = new NDList();
        firstMoments.forEach((name, a) -> {
            NDArray copy = a.duplicate();
            copy.setName(FIRST + name);
            list.add(copy);
        });
        secondMoments.forEach((name, a) -> {
            NDArray copy = a.duplicate();
            copy.setName(SECOND + name);
            list.add(copy);
        });
        return list;
    }

    /** Restores moments saved by {@link #toNDList()} (tensors with other names are ignored) and the step count. */
    public static AdamState restore(NDManager parent, NDList saved, long step) {
        AdamState state = new AdamState(parent);
        for (NDArray a : saved) {
            String name = a.getName();
            if (name == null) {
                continue;
            }
            if (name.startsWith(FIRST)) {
                state.firstMoments.put(name.substring(FIRST.length()), copyInto(state.manager, a));
            } else if (name.startsWith(SECOND)) {
                state.secondMoments.put(name.substring(SECOND.length()), copyInto(state.manager, a));
            }
        }
        if (!state.firstMoments.keySet().equals(state.secondMoments.keySet())) {
            state.close();
            throw new IllegalArgumentException("saved Adam state is inconsistent: first moments for "
                    + state.firstMoments.keySet() + " but second moments for " + state.secondMoments.keySet());
        }
        state.step = step;
        return state;
    }

    private static NDArray copyInto(NDManager manager, NDArray a) {
        NDArray copy = manager.create(a.getShape(), a.getDataType());
        copy.set(a.toByteBuffer());
        return copy;
    }

    @Override
    public void close() {
        manager.close();
    }
}
