package ai.mint.engine.pretrain;

import ai.mint.engine.EngineException;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import ai.mint.engine.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A resumable snapshot of a pretraining run in {@code OUT/checkpoint/}: the weights as a Hugging Face checkpoint
 * (config.json + model.safetensors, float32, read back by the ordinary loader), the AdamW moments, and
 * {@code state.json} with the step reached and the history so far. A new snapshot is written beside the old one and
 * swapped in, so an interruption at any moment leaves one complete snapshot.
 */
final class PretrainCheckpoint {

    static final String DIR = "checkpoint";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final String STATE = "state.json";

    /** Where a run is, as saved with its weights. */
    record State(String preset, long seed, int step, long tokens, double seconds, List<PretrainRun.Point> history) {
    }

    private PretrainCheckpoint() {
    }

    static void save(Path out, BaseModel base, FullAdamW adam, State state) {
        Path target = out.resolve(DIR);
        Path fresh = out.resolve(DIR + ".new");
        Path old = out.resolve(DIR + ".old");
        try {
            DirectoryTrees.delete(fresh);
            Files.createDirectories(fresh);
            base.config().write(fresh.resolve("config.json"));
            SafetensorsWriter weights = new SafetensorsWriter().metadata("format", "pt");
            base.toHostTensors().forEach((name, t) -> weights.add(name, t.shape(), t.floats(), DType.F32));
            weights.write(fresh.resolve(CheckpointFiles.SINGLE));
            SafetensorsWriter moments = new SafetensorsWriter();
            adam.state().forEach((name, a) -> moments.add(name, a.getShape().getShape(), a.toFloatArray(),
                    DType.F32));
            moments.write(fresh.resolve(OPTIMIZER));
            PretrainRun.JSON.writeValue(fresh.resolve(STATE).toFile(), state); // last: marks the snapshot complete
            DirectoryTrees.delete(old);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            DirectoryTrees.delete(old);
        } catch (IOException e) {
            throw new EngineException("cannot write checkpoint in " + out + ": " + e.getMessage(), e);
        }
    }

    /** The newest complete snapshot under {@code out}, or null when there is none. */
    static Path find(Path out) {
        for (String name : List.of(DIR, DIR + ".old")) {
            Path dir = out.resolve(name);
            if (Files.isRegularFile(dir.resolve(STATE))) {
                return dir;
            }
        }
        return null;
    }

    static State readState(Path snapshot) {
        try {
            return PretrainRun.JSON.readValue(snapshot.resolve(STATE).toFile(), State.class);
        } catch (IOException e) {
            throw new EngineException("cannot read " + snapshot.resolve(STATE) + ": " + e.getMessage(), e);
        }
    }

    static Map<String, float[]> readOptimizer(Path snapshot) {
        Map<String, float[]> out = new HashMap<>();
        try (SafetensorsReader reader = SafetensorsReader.open(snapshot.resolve(OPTIMIZER))) {
            for (String name : reader.names()) {
                HostTensor t = reader.read(name);
                out.put(name, t.floats());
            }
        }
        return out;
    }

    /** Removes every snapshot once the run has written its final model. */
    static void deleteAll(Path out) {
        for (String name : List.of(DIR, DIR + ".new", DIR + ".old")) {
            DirectoryTrees.delete(out.resolve(name));
        }
    }
}
