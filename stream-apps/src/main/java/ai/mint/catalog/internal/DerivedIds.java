package ai.mint.catalog.internal;

import ai.mint.common.ids.EventIds;

/**
 * Event ids of the records the catalog emits, derived from the id of the input that caused them, in the project's one
 * format ({@link EventIds}). Random ids would make a replay of the same input produce different output; derived ones
 * keep the catalog a pure fold of its input. A thin name for the catalog rules; new code calls {@link EventIds}.
 */
public final class DerivedIds {

    private DerivedIds() {
    }

    /** {@link EventIds#derived}: a name-based UUID of the input's event id and what is derived from it. */
    public static String of(String inputEventId, String purpose) {
        return EventIds.derived(inputEventId, purpose);
    }
}
