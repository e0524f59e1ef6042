package ai.mint.engine;

/** The fastest memory an adapter is held in: the device (rows can use it), Java memory, or only its files. */
public enum AdapterTier {
    DEVICE, CPU, STORAGE
}
