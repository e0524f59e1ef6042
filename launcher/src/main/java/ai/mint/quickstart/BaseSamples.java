package ai.mint.quickstart;

import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.Engine;
import ai.mint.engine.TrainableEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Greedy answers of the base alone, encoded and stopped the way the worker serves a policy: what every policy says
 * before training, printed beside what each says after.
 */
final class BaseSamples {

    private BaseSamples() {
    }

    static List<String> greedy(Path baseDir, List<String> prompts, int maxTokens) {
        try (Engine engine = TrainableEngine.open(EngineConfig.of(baseDir))) {
            int eos = engine.config().eosTokenId();
            List<GenerationRequest> batch = new ArrayList<>();
            for (String p : prompts) {
                batch.add(new GenerationRequest(null, engine.encode(p),
                        new GenerationParams(maxTokens, 0, 1, 0, eos >= 0 ? Set.of(eos) : Set.of())));
            }
            List<String> out = new ArrayList<>();
            for (GenerationResult r : engine.generate(batch)) {
                out.add(engine.decode(r.tokens()));
            }
            return out;
        }
    }
}
