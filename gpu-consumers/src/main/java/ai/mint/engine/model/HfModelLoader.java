package ai.mint.engine.model;

import ai.djl.Device;
import ai.mint.engine.EngineException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a Hugging Face model directory (config.json + model.safetensors or shards + index) onto a device as a
 * {@link DecoderModel}. F16 and BF16 files are widened to float32 in Java before any native call.
 */
public final class HfModelLoader {

    private HfModelLoader() {
    }

    public static DecoderModel load(Path dir, Device device) {
        if (!Files.isDirectory(dir)) {
            throw new EngineException("base model directory " + dir + " does not exist (make one with `mint base"
                    + " init --preset tiny " + dir + "`)");
        }
        ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
        return new DecoderModel(BaseModel.fromHost(config, CheckpointFiles.readAll(dir), device));
    }
}
