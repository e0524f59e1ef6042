package ai.mint.connect.adapters;

import ai.mint.common.safetensors.SafetensorsFormatException;
import ai.mint.common.safetensors.SafetensorsHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The shape of every weight of a base model, read from the safetensors headers of its directory (one file or the
 * shards of an index) without loading a byte of the weights. Hugging Face stores a linear layer's weight as
 * [out, in], which is what a LoRA pair for it must match: lora_A [r, in], lora_B [out, r].
 */
public final class BaseShapes {

    private final Path dir;
    private final Map<String, long[]> shapes;

    private BaseShapes(Path dir, Map<String, long[]> shapes) {
        this.dir = dir;
        this.shapes = shapes;
    }

    /** Reads the headers of all {@code *.safetensors} files of a base directory (config.json must be there too). */
    public static BaseShapes read(Path dir) {
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalArgumentException("base directory " + dir + " has no config.json: not a model directory");
        }
        Map<String, long[]> shapes = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList()) {
                SafetensorsHeader.read(file).tensors().values().forEach(e -> shapes.put(e.name(), e.shape()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list base directory " + dir, e);
        } catch (SafetensorsFormatException e) {
            throw new IllegalArgumentException("base directory " + dir + ": " + e.getMessage(), e);
        }
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("base directory " + dir + " holds no weights (*.safetensors)");
        }
        return new BaseShapes(dir, Map.copyOf(shapes));
    }

    public Path dir() {
        return dir;
    }

    /** The shape of the base weight named {@code name}, if the base has it. */
    public Optional<long[]> shape(String name) {
        return Optional.ofNullable(shapes.get(name));
    }

    /** How many experts {@code moduleOfExperts} (e.g. {@code model.layers.0.mlp.experts}) has for a projection. */
    public int experts(String moduleOfExperts, String projection) {
        int n = 0;
        while (shapes.containsKey(moduleOfExperts + "." + n + "." + projection + ".weight")) {
            n++;
        }
        return n;
    }
}
