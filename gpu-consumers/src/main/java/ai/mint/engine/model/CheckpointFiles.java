package ai.mint.engine.model;

import ai.mint.engine.EngineException;
import ai.mint.engine.safetensors.HostTensor;
import ai.mint.engine.safetensors.SafetensorsReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Finds and reads the weights of a Hugging Face checkpoint directory: a single {@code model.safetensors} or shards
 * listed in {@code model.safetensors.index.json}. Returns host tensors (float32), never native ones; block-quantized
 * FP8 weights (DeepSeek's layout) come back dequantized.
 */
public final class CheckpointFiles {

    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private CheckpointFiles() {
    }

    /** The safetensors files that make up the checkpoint in {@code dir}. */
    public static Set<Path> shards(Path dir) {
        Path single = dir.resolve(SINGLE);
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            try {
                JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
                if (!map.isObject() || map.isEmpty()) {
                    throw new EngineException(index + " has no weight_map");
                }
                Set<Path> files = new LinkedHashSet<>();
                map.fields().forEachRemaining(e -> files.add(dir.resolve(e.getValue().asText())));
                return files;
            } catch (IOException e) {
                throw new EngineException("cannot read " + index + ": " + e.getMessage(), e);
            }
        }
        if (Files.isRegularFile(single)) {
            return Set.of(single);
        }
        throw new EngineException(dir + " has neither " + SINGLE + " nor " + INDEX
                + " (is it a Hugging Face model directory? `mint base init` makes one)");
    }

    /** Reads every tensor of the checkpoint, widening F16/BF16/FP8 to float32 and dequantizing FP8 blocks. */
    public static Map<String, HostTensor> readAll(Path dir) {
        int[] fp8Block = Fp8Weights.blockSize(dir.resolve("config.json"));
        Map<String, HostTensor> tensors = new HashMap<>();
        for (Path shard : shards(dir)) {
            try (SafetensorsReader reader = SafetensorsReader.open(shard)) {
                for (String name : reader.names()) {
                    tensors.put(name, reader.read(name));
                }
            }
        }
        return Fp8Weights.dequantize(tensors, fp8Block);
    }
}
