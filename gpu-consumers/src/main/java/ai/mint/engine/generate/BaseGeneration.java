package ai.mint.engine.generate;

import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.TokenSink;
import ai.mint.engine.lora.AdapterLeases;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.model.DecoderModel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Generation with the base model alone (no adapters, no working set, no threads): a {@link ContinuousGenerator} fed
 * every prompt at once and stepped on the calling thread to the end. Pre-training samples and benchmarks of the bare
 * base use it.
 */
public final class BaseGeneration {

    /** Leases for batches whose rows never name an adapter. */
    private static final AdapterLeases NO_ADAPTERS = new AdapterLeases() {
        @Override
        public void demand(String adapterId) {
            throw new EngineException("base-only generation has no adapter '" + adapterId + "'");
        }

        @Override
        public void undemand(String adapterId) {
        }

        @Override
        public boolean settled(String adapterId) {
            return true;
        }

        @Override
        public DeviceAdapter acquire(String adapterId) {
            return null;
        }

        @Override
        public String failure(String adapterId) {
            return "base-only generation has no adapter '" + adapterId + "'";
        }

        @Override
        public void release(DeviceAdapter adapter) {
        }
    };

    private BaseGeneration() {
    }

    /**
     * Continues each prompt with its own sampling parameters.
     *
     * @throws EngineException if the lists differ in length, or a row is empty, outside the vocabulary or too long
     */
    public static List<GenerationResult> generate(DecoderModel model, int padToken,
                                                  ContinuousGenerator.Settings settings, List<int[]> prompts,
                                                  List<GenerationParams> params) {
        if (prompts.size() != params.size()) {
            throw new EngineException("generate needs one sampling params per prompt; got " + prompts.size()
                    + " prompts and " + params.size() + " params");
        }
        List<GenerationRequest> rows = new ArrayList<>(prompts.size());
        for (int r = 0; r < prompts.size(); r++) {
            rows.add(new GenerationRequest(null, prompts.get(r), params.get(r)));
        }
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>(rows.size());
        try (ContinuousGenerator g = new ContinuousGenerator(model, padToken, settings, NO_ADAPTERS, () -> { },
                () -> { })) {
            rows.forEach(g::check); // a bad row refuses the call before any work
            rows.forEach(r -> futures.add(g.submit(r, TokenSink.NONE)));
            while (g.pending() > 0) {
                g.step();
            }
        }
        List<GenerationResult> out = new ArrayList<>(futures.size());
        for (CompletableFuture<GenerationResult> f : futures) {
            try {
                out.add(f.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        return out;
    }
}
