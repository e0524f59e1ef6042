package ai.mint.catalog.query;

import ai.mint.common.catalog.PolicyFilter;
import ai.mint.common.catalog.PolicySummary;
import ai.mint.events.CatalogEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.kafka.streams.KeyValue;

/** Pages and counts over catalog entries that come in id order (one store partition, or several merged). */
public final class PolicyScan {

    private PolicyScan() {
    }

    /**
     * The first {@code limit} entries matching {@code filter} with ids after {@code after}, looking at no more than
     * {@code budget} entries.
     */
    public static PolicyPage page(Iterator<KeyValue<String, CatalogEntry>> ordered, PolicyFilter filter, String after,
                                  int limit, int budget) {
        List<PolicySummary> items = new ArrayList<>();
        String last = null;
        int looked = 0;
        while (ordered.hasNext()) {
            if (items.size() >= limit || looked >= budget) {
                return new PolicyPage(items, false, last);
            }
            KeyValue<String, CatalogEntry> next = ordered.next();
            if (after != null && PolicySummary.ID_ORDER.compare(next.key, after) <= 0) {
                continue; // the lower bound of a range query is inclusive
            }
            looked++;
            last = next.key;
            if (filter.matches(next.value)) {
                items.add(PolicySummary.of(next.value));
            }
        }
        return new PolicyPage(items, true, last);
    }

    public static long count(Iterator<KeyValue<String, CatalogEntry>> entries, PolicyFilter filter) {
        long n = 0;
        while (entries.hasNext()) {
            if (filter.matches(entries.next().value)) {
                n++;
            }
        }
        return n;
    }

    /** Several iterators, each in id order, as one iterator in id order. */
    public static <V> Iterator<KeyValue<String, V>> merged(List<? extends Iterator<KeyValue<String, V>>> sources) {
        record Head<V>(KeyValue<String, V> item, Iterator<KeyValue<String, V>> rest) {
        }
        PriorityQueue<Head<V>> heads = new PriorityQueue<>(
                Comparator.comparing((Head<V> h) -> h.item().key, PolicySummary.ID_ORDER));
        for (Iterator<KeyValue<String, V>> source : sources) {
            if (source.hasNext()) {
                heads.add(new Head<>(source.next(), source));
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public KeyValue<String, V> next() {
                Head<V> head = heads.poll();
                if (head == null) {
                    throw new NoSuchElementException();
                }
                if (head.rest().hasNext()) {
                    heads.add(new Head<>(head.rest().next(), head.rest()));
                }
                return head.item();
            }
        };
    }
}
