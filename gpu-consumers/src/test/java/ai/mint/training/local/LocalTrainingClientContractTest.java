package ai.mint.training.local;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LoraConfig;
import ai.mint.api.LossFunction;
import ai.mint.api.ServiceClient;
import ai.mint.api.TrainingClient;
import ai.mint.api.TrainingClientContract;
import ai.mint.engine.MicroBatchBudget;
import ai.mint.engine.TrainableEngine;
import ai.mint.training.TinyTrainingBase;
import ai.mint.training.service.TrainingService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

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
    protected TrainingClient trainedClient() {
        TrainingClient client = service.createLoraTrainingClient("tiny", LoraConfig.of(4, 1));
        int[] prompt = engine.encode("2+2=");
        int[] answer = engine.encode("4, four");
        int[] sequence = new int[prompt.length + answer.length];
        System.arraycopy(prompt, 0, sequence, 0, prompt.length);
        System.arraycopy(answer, 0, sequence, prompt.length, answer.length);
        client.forwardBackward(List.of(Datum.supervised(sequence, prompt.length)), LossFunction.CROSS_ENTROPY).join();
        client.optimStep(AdamConfig.of(1e-2)).join();
        return client;
    }
}
