package ai.mint.engine;

/**
 * Counters of the engine's working set: bytes held per tier now and at most on the device, and how many adapters were
 * uploaded, decoded from files, evicted from the device and failed to load so far, and how many ids it knows.
 */
public record WorkingSetStats(long deviceBytes, long peakDeviceBytes, long deviceBudgetBytes, long cpuBytes,
                              long cpuBudgetBytes, long loads, long decodes, long evictions, long failures, int known) {
}
