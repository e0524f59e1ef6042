package ai.mint.engine.bench;

import ai.mint.engine.EngineConfig;
import ai.mint.engine.GenerationRequest;
import ai.mint.engine.LoraEngine;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine benchmark's work: the same prompts in every variant, runs that go through every adapter. */
class EngineWorkloadTest {

    @TempDir
    Path dir;

    @Test
    void everyVariantHasTheSamePromptsAndTheMixedRunsGoThroughAllAdapters() {
        EngineWorkload work = new EngineWorkload(4, 2, 3);
        List<List<GenerationRequest>> single = work.run(g -> EngineWorkload.id(0));
        List<List<GenerationRequest>> mixed = work.run(work.mixed(3, 0));
        for (int b = 0; b < 2; b++) {
            for (int r = 0; r < 4; r++) {
                assertThat(mixed.get(b).get(r).promptTokens()).containsExactly(single.get(b).get(r).promptTokens());
            }
        }
        assertThat(mixed.get(0).stream().map(GenerationRequest::adapterId)).containsExactly("a0", "a1", "a2", "a0");
        // 20 adapters, 8 rows a run: three runs cover all 20, each continuing where the last one stopped
        Set<String> seen = new HashSet<>();
        for (int run = 0; run < 3; run++) {
            work.run(work.mixed(20, run)).forEach(batch -> batch.forEach(r -> seen.add(r.adapterId())));
        }
        assertThat(seen).hasSize(20);
        assertThat(work.tokensPerRun()).isEqualTo(4 * 2 * 3);
    }

    @Test
    void mixedRowsGiveTheTokensOfTheirAdapterAlone() {
        ModelConfig c = TestModels.microDense();
        BaseModelInitializer.write(dir.resolve("base"), c, 2, DType.F32);
        EngineWorkload.ensureAdapters(c, dir.resolve("adapters"), 5, 2);
        EngineWorkload work = new EngineWorkload(6, 1, 3);
        try (LoraEngine e = LoraEngine.open(EngineConfig.of(dir.resolve("base")))) {
            EngineWorkload.loadAll(e, dir.resolve("adapters"), 5);
            int compared = EngineWorkload.checkSameTokens(e, work.run(work.mixed(5, 0)).get(0),
                    work.run(g -> EngineWorkload.id(0)).get(0));
            assertThat(compared).isEqualTo(6 + 2); // every row alone, and a0's two rows in the single-adapter batch
            assertThat(EngineWorkload.generate(e, work.run(work.mixed(5, 0)))).isEqualTo(work.tokensPerRun());
        }
    }
}
