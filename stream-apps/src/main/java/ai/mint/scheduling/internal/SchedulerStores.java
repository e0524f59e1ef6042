package ai.mint.scheduling.internal;

/** Names of the scheduler's state stores (their changelogs are named after them). */
public final class SchedulerStores {

    /** policy id -> {@link Route}: serving revision and adapters, from the catalog topic. */
    public static final String ROUTES = "scheduler-routes";
    /** request id -> {@link TrackedRequest}: every request from arrival until its id is forgotten. */
    public static final String REQUESTS = "scheduler-requests";
    /** {@code DONE_AT_MS/REQUEST_ID} -> request id: answered requests in time order, to forget them in order. */
    public static final String DONE_INDEX = "scheduler-done-index";
    /** worker id -> its latest heartbeat (WorkerStatus, wire format): a global store, every task sees every worker. */
    public static final String WORKERS = "scheduler-workers";

    private SchedulerStores() {
    }
}
