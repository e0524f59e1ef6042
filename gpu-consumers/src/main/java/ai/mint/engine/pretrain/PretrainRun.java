package ai.mint.engine.pretrain;

import ai.mint.engine.EngineException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a finished pretraining run reports, written beside the model as {@code training_run.json}: the settings' name
 * and seed, the sizes, how much it trained, its held-out perplexity beside the unigram baseline's, the held-out loss
 * at each checkpoint, timings with the machine's load, and greedy samples.
 */
public record PretrainRun(
        String corpus,
        String preset,
        long seed,
        long parameters,
        int vocabSize,
        int merges,
        double tokensPerWord,
        double bytesPerWord,
        int steps,
        long tokens,
        long trainTokens,
        double epochs,
        double finalTrainLoss,
        long heldOutTokens,
        double heldOutLoss,
        double heldOutPerplexity,
        double unigramPerplexity,
        List<Point> history,
        double trainSeconds,
        double tokensPerSecond,
        int threads,
        String loadAverage,
        List<Sample> samples,
        String command) {

    /** File name of the report in the model directory. */
    public static final String FILE = "training_run.json";

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The state at one checkpoint: mean training loss since the previous one and the held-out loss. */
    public record Point(int step, long tokens, double learningRate, double trainLoss, double heldOutLoss,
                        double seconds) {
    }

    /** A greedy continuation of a prompt by the finished model. */
    public record Sample(String prompt, String completion) {
    }

    public void write(Path dir) {
        try {
            JSON.writeValue(dir.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new EngineException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    public static PretrainRun read(Path dir) {
        try {
            return JSON.readValue(Files.readAllBytes(dir.resolve(FILE)), PretrainRun.class);
        } catch (IOException e) {
            throw new EngineException("cannot read " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
