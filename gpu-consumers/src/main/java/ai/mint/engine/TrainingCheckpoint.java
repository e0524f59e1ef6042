package ai.mint.engine;

import ai.mint.engine.safetensors.HostTensor;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A saved training state read back into Java memory and checked (format, LoRA shape), before anything is restored:
 * its tensors and its metadata, including the entries the saver added (e.g. a trainer's revision and random state).
 * {@link TrainableEngine#restoreTrainingState} puts it into a policy.
 */
public final class TrainingCheckpoint {

    private final Path file;
    private final Map<String, String> metadata;
    private final Map<String, HostTensor> tensors;

    public TrainingCheckpoint(Path file, Map<String, String> metadata, Map<String, HostTensor> tensors) {
        this.file = file;
        // in file order: a state saved again after a restore is byte-identical to one saved without it
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Path file() {
        return file;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Map<String, HostTensor> tensors() {
        return tensors;
    }

    /** A metadata entry the writer always records, or an error naming the key that is absent. */
    public String require(String key) {
        String value = metadata.get(key);
        if (value == null) {
            throw new EngineException(file + " lacks metadata '" + key + "' (written by another version?)");
        }
        return value;
    }

    /** An integer metadata entry, or an error naming the key and what it holds. */
    public long requireLong(String key) {
        String value = require(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new EngineException(file + " has metadata '" + key + "' = '" + value + "', not an integer");
        }
    }

    /** A number metadata entry, or an error naming the key and what it holds. */
    public float requireFloat(String key) {
        String value = require(key);
        try {
            return Float.parseFloat(value);
        } catch (NumberFormatException e) {
            throw new EngineException(file + " has metadata '" + key + "' = '" + value + "', not a number");
        }
    }
}
