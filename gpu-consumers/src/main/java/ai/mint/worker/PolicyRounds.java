package ai.mint.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits a poll into rounds of at most one item per policy, each policy's items in poll (offset) order: round 1 holds
 * every policy's first item, round 2 every second one, and so on. A round's items belong to distinct policies, so they
 * can share one batched step while each policy's own items stay ordered.
 */
final class PolicyRounds {

    private PolicyRounds() {
    }

    static <T> List<List<T>> of(List<T> items, Function<T, String> policyOf) {
        Map<String, ArrayDeque<T>> byPolicy = new LinkedHashMap<>();
        for (T item : items) {
            byPolicy.computeIfAbsent(policyOf.apply(item), k -> new ArrayDeque<>()).add(item);
        }
        List<List<T>> rounds = new ArrayList<>();
        while (!byPolicy.isEmpty()) {
            List<T> round = new ArrayList<>();
            byPolicy.values().removeIf(queue -> {
                round.add(queue.poll());
                return queue.isEmpty();
            });
            rounds.add(round);
        }
        return rounds;
    }
}
