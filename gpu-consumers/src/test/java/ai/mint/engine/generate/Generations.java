package ai.mint.engine.generate;

import ai.djl.ndarray.NDManager;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.TokenSink;
import ai.mint.engine.lora.AdapterLeases;
import ai.mint.engine.lora.DeviceAdapter;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.model.ByteLevelTokenizerFile;
import ai.mint.engine.model.DecoderModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Continuous batches over a fixed set of device adapters, for the generation tests (no working set, no threads). */
final class Generations {

    private Generations() {
    }

    /** Adapters uploaded once, always ready; counts the rows holding them. */
    static final class FixedLeases implements AdapterLeases, AutoCloseable {
        private final NDManager manager;
        private final Map<String, DeviceAdapter> adapters = new HashMap<>();
        int inUse;

        FixedLeases(DecoderModel model, Map<String, LoraWeights> weights) {
            this.manager = model.base().manager().newSubManager();
            weights.forEach((id, w) -> adapters.put(id, DeviceAdapter.upload(id, w, model.config(), manager)));
        }

        @Override
        public void demand(String id) {
            if (!adapters.containsKey(id)) {
                throw new EngineException("no adapter " + id);
            }
        }

        @Override
        public void undemand(String id) {
        }

        @Override
        public boolean settled(String id) {
            return true;
        }

        @Override
        public DeviceAdapter acquire(String id) {
            inUse++;
            return adapters.get(id);
        }

        @Override
        public String failure(String id) {
            return null;
        }

        @Override
        public void release(DeviceAdapter adapter) {
            inUse--;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    static ContinuousGenerator open(DecoderModel model, ContinuousGenerator.Settings settings, AdapterLeases leases) {
        return new ContinuousGenerator(model, ByteLevelTokenizerFile.PAD, settings, leases, () -> { }, () -> { });
    }

    /** Every request submitted at once, stepped until all are done. */
    static List<GenerationResult> runAll(ContinuousGenerator g, List<GenerationRequest> rows) {
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
        rows.forEach(r -> futures.add(g.submit(r, TokenSink.NONE)));
        while (g.pending() > 0) {
            g.step();
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    /** One request in a batch of its own. */
    static GenerationResult alone(DecoderModel model, ContinuousGenerator.Settings settings, AdapterLeases leases,
                                  GenerationRequest row) {
        try (ContinuousGenerator g = open(model, settings, leases)) {
            return runAll(g, List.of(row)).get(0);
        }
    }
}
