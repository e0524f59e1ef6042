package ai.mint.engine.train;

import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** What the training-step tests share: the engine's micro dense base (seed 11) and a trainer over it, per class. */
abstract class MicroTrainerTest {

    @TempDir
    static Path dir;
    static DecoderModel model;
    static LoraTrainer trainer;

    @BeforeAll
    static void load() {
        model = TestModels.create(dir.resolve("base"), TestModels.microDense(), 11L);
        trainer = new LoraTrainer(model);
    }

    @AfterAll
    static void close() {
        trainer.close();
        model.base().close();
    }
}
