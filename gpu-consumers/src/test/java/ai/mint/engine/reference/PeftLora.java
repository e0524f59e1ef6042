package ai.mint.engine.reference;

import ai.mint.engine.safetensors.HostTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A PEFT adapter as the reference decoders apply it, read straight from its files: for a module with
 * {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code lora_B.weight} [out, r], the correction
 * {@code scale * B (A x)} with PEFT's scale (alpha / r, or alpha / sqrt(r) with use_rslora), in double precision.
 */
final class PeftLora {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, HostTensor> tensors = new HashMap<>();
    private final double scale;

    PeftLora(Path adapterDir) {
        try {
            JsonNode a = JSON.readTree(Files.readAllBytes(adapterDir.resolve("adapter_config.json")));
            double r = a.get("r").asDouble();
            scale = a.get("lora_alpha").asDouble() / (a.path("use_rslora").asBoolean(false) ? Math.sqrt(r) : r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ScalarOps.readAll(adapterDir.resolve("adapter_model.safetensors"), tensors);
    }

    /** Adds this adapter's correction of {@code module} for input {@code x} to {@code y}, if it adapts the module. */
    void addTo(String module, double[] x, double[] y) {
        HostTensor a = tensors.get("base_model.model." + module + ".lora_A.weight");
        if (a == null) {
            return;
        }
        double[] delta = ScalarOps.matVec(tensors.get("base_model.model." + module + ".lora_B.weight"),
                ScalarOps.matVec(a, x));
        for (int i = 0; i < y.length; i++) {
            y[i] += scale * delta[i];
        }
    }
}
