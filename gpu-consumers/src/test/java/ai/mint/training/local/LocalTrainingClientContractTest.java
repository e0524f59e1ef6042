package ai.mint.training.local;

import ai.mint.api.ServiceClient;
import ai.mint.api.TrainingClientContract;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.service.TrainingService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The connectors' {@link TrainingClientContract}, run against the in-process implementation on the tiny base. */
class LocalTrainingClientContractTest extends TrainingClientContract {

    @TempDir
    Path dir;
    TrainableEngine engine;
    TrainingService training;
    ServiceClient service;

    @BeforeEach
    void open() {
        engine = TinyTrainingBase.open(dir.resolve("base"), 5L);
        training = new TrainingService(engine, MicroBatchBudget.DEFAULT);
        service = new LocalServiceClient("tiny", training, dir.resolve("checkpoints"));
    }

    @AfterEach
    void close() {
        service.close();
        training.close();
        engine.close();
    }

    @Override
    protected ServiceClient service() {
        return service;
    }

    @Override
    protected String baseModel() {
        return "tiny";
    }
}
