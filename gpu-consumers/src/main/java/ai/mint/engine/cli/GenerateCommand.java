package ai.mint.engine.cli;

import ai.mint.common.cli.MintSubcommand;
import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.model.ModelConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code mint generate}: continue a prompt with the base model, optionally through one LoRA adapter. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a completion from a base model directory and an optional PEFT adapter.")
public final class GenerateCommand implements MintSubcommand, Callable<Integer> {

    @Option(names = "--base", required = true, description = "Base model directory (Hugging Face layout).")
    Path base;

    @Option(names = "--adapter", description = "PEFT adapter directory (adapter_config.json + safetensors).")
    Path adapter;

    @Option(names = "--prompt", required = true, description = "Prompt text.")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus mass. Default: ${DEFAULT-VALUE}.")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--json", description = "Print prompt ids, generated ids and their log-probs as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (LoraEngine engine = LoraEngine.open(EngineConfig.of(base).withDevice(device))) {
            String adapterId = null;
            if (adapter != null) {
                adapterId = adapter.toAbsolutePath().toString();
                engine.registerAdapter(adapterId, adapter);
            }
            ModelConfig config = engine.model().config();
            int[] ids = engine.encode(prompt);
            if (config.bosTokenId() >= 0 && config.bosTokenId() < config.vocabSize()) {
                // the tokenizer is called without special tokens, so the model's BOS is added here
                int[] withBos = new int[ids.length + 1];
                withBos[0] = config.bosTokenId();
                System.arraycopy(ids, 0, withBos, 1, ids.length);
                ids = withBos;
            }
            Set<Integer> stops = new java.util.HashSet<>();
            config.eosTokenIds().stream().filter(id -> id >= 0).forEach(stops::add);  // stop on any of them
            GenerationParams sampling = new GenerationParams(maxTokens, temperature, topP, seed, stops);
            GenerationResult r = engine.generate(List.of(new GenerationRequest(adapterId, ids, sampling))).get(0);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode out = mapper.createObjectNode();
                out.putPOJO("prompt_token_ids", ids);
                out.putPOJO("token_ids", r.tokens());
                out.putPOJO("logprobs", r.logProbs());
                out.put("text", engine.decode(r.tokens()));
                out.put("finish_reason", r.finishReason());
                System.out.println(mapper.writeValueAsString(out));
            } else {
                System.out.println(engine.decode(r.tokens()));
            }
        }
        return 0;
    }
}
