package ai.mint.common.catalog.lookup;

import java.util.List;

/**
 * One page of a paged catalog answer.
 *
 * @param items      what the page holds, in the listing's order
 * @param nextCursor pass as {@code after} to get the next page; null on the last page
 * @param hasMore    whether another page follows
 * @param <T>        the items' type
 */
public record Page<T>(List<T> items, String nextCursor, boolean hasMore) {

    public Page {
        items = List.copyOf(items);
    }
}
