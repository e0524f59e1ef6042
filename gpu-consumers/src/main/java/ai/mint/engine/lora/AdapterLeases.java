package ai.mint.engine.lora;

/**
 * How a generation batch gets the device copy of each row's adapter: it {@link #demand}s one when a request arrives
 * (which starts its load), takes it with {@link #acquire} once it is there (or learns its {@link #failure}), and gives
 * it back with {@link #release} when the row finishes. The engine implements it over its working set (serving
 * adapters) and its trainer (training policies, always on the device).
 */
public interface AdapterLeases {

    /** A row will use {@code adapterId}. Throws {@link ai.mint.engine.EngineException} if the id is unknown. */
    void demand(String adapterId);

    /** A row that demanded {@code adapterId} will not use it after all. */
    void undemand(String adapterId);

    /** Whether {@link #acquire} or {@link #failure} would answer now. */
    boolean settled(String adapterId);

    /** The adapter's device copy for one row (consuming its demand), or null while it is not on the device. */
    DeviceAdapter acquire(String adapterId);

    /** Why the adapter cannot be used (its load failed, or it can never fit); null if it can. */
    String failure(String adapterId);

    /** A row that acquired {@code adapter} finished. */
    void release(DeviceAdapter adapter);
}
