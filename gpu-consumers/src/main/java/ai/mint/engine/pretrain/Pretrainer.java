package ai.mint.engine.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.mint.engine.EngineException;
import ai.mint.engine.model.BaseModel;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.CheckpointFiles;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.model.HfModelLoader;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.safetensors.DType;
import ai.mint.engine.tokenizer.BpeTrainer;
import ai.mint.engine.tokenizer.BpeVocabulary;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Full-parameter pretraining of a base model on a corpus, with the serving code's own forward
 * ({@link DecoderModel#forward}) under a gradient collector: trains a byte-level BPE tokenizer, initialises a Qwen2
 * layout decoder, runs AdamW with a cosine schedule over random windows of the token stream, evaluates the held-out
 * loss and saves a resumable checkpoint every {@code evalEvery} steps, and finally writes the model in Hugging Face
 * layout (config.json, model.safetensors, tokenizer.json) with a {@link PretrainRun} report. Run again on the same
 * directory, it resumes from the last checkpoint, or does nothing when the run is already finished.
 */
public final class Pretrainer {

    /** Prompts the report's greedy samples continue. */
    public static final List<String> SAMPLE_PROMPTS = List.of("The", "He said that", "In the morning",
            "The President of the United States", "She looked at the", "It is not");

    private final PretrainSettings settings;
    private final Corpus corpus;
    private final Path out;
    private final PrintStream console;
    private DType dtype = DType.F16;
    private int stopAfter = Integer.MAX_VALUE;
    private boolean inPlaceProgress;
    private String command = "";

    public Pretrainer(PretrainSettings settings, Corpus corpus, Path out, PrintStream console) {
        this.settings = settings;
        this.corpus = corpus;
        this.out = out;
        this.console = console;
    }

    /** How the final model's weights are stored (F16 by default: half the size, read back as float32). */
    public Pretrainer dtype(DType value) {
        this.dtype = value;
        return this;
    }

    /** Stops after this many steps as if interrupted, leaving the checkpoint (for tests of resuming). */
    public Pretrainer stopAfter(int steps) {
        this.stopAfter = steps;
        return this;
    }

    /** Redraws the progress line in place (a terminal) instead of printing a line every 10 s. */
    public Pretrainer inPlaceProgress(boolean value) {
        this.inPlaceProgress = value;
        return this;
    }

    /** The command line recorded in the report, so the artifact says how to reproduce it. */
    public Pretrainer command(String value) {
        this.command = value;
        return this;
    }

    /** Trains (or resumes, or finds the run finished); empty when stopped early by {@link #stopAfter}. */
    public Optional<PretrainRun> run() {
        if (Files.isRegularFile(out.resolve(PretrainRun.FILE)) && PretrainCheckpoint.find(out) == null) {
            PretrainRun done = PretrainRun.read(out);
            console.println("already trained: " + out + " (" + done.preset() + ", " + done.steps() + " steps, held-out"
                    + " perplexity " + fmt(done.heldOutPerplexity()) + ")");
            return Optional.of(done);
        }
        String loadAtStart = loadAverage();
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new EngineException("cannot create " + out + ": " + e.getMessage(), e);
        }
        Path snapshot = PretrainCheckpoint.find(out);
        PretrainCheckpoint.State state = snapshot == null ? null : PretrainCheckpoint.readState(snapshot);
        if (state != null && (!state.preset().equals(settings.name()) || state.seed() != settings.seed())) {
            throw new EngineException(out + " holds a checkpoint of preset '" + state.preset() + "' seed "
                    + state.seed() + ", not '" + settings.name() + "' seed " + settings.seed()
                    + "; pick another --out or delete " + snapshot);
        }
        BpeVocabulary vocab = tokenizer(state != null);
        TokenStreams data = TokenStreams.encode(corpus, out.resolve("tokenizer.json"));
        ModelConfig config = settings.modelConfig(vocab.size());
        console.printf(Locale.ROOT, "corpus %s: %,d training and %,d held-out sentences, %,d + %,d tokens%n",
                corpus.name(), corpus.train().size(), corpus.heldOut().size(), data.train().length,
                data.heldOut().length);
        try (BaseModel base = BaseModel.fromHost(config, snapshot == null
                ? BaseModelInitializer.tensors(config, settings.seed())
                : CheckpointFiles.readAll(snapshot), Device.cpu());
             FullAdamW adam = new FullAdamW(base.manager())) {
            Map<String, NDArray> weights = base.namedWeights();
            weights.values().forEach(w -> w.setRequiresGradient(true));
            List<PretrainRun.Point> history = new ArrayList<>();
            int step = 0;
            long tokens = 0;
            double seconds = 0;
            if (state != null) {
                adam.restore(PretrainCheckpoint.readOptimizer(snapshot), weights, state.step());
                history.addAll(state.history());
                step = state.step();
                tokens = state.tokens();
                seconds = state.seconds();
                console.printf(Locale.ROOT, "resuming %s from step %d (%s)%n", settings.name(), step, snapshot);
            }
            console.printf(Locale.ROOT, "pretraining %s: %,d parameters, %d steps of %,d tokens, AdamW lr %.1e "
                            + "cosine, %d threads%n", settings.name(), base.parameterCount(), settings.steps(),
                    settings.tokensPerStep(), settings.peakLr(), threads());
            DecoderModel model = new DecoderModel(base);
            int evalWindows = data.heldOutWindows(settings.windowTokens(), settings.evalWindows());
            ProgressBar bar = new ProgressBar(console, settings.steps(), inPlaceProgress);
            double lossSum = 0;
            int lossSteps = 0;
            long started = System.nanoTime();
            double secondsBefore = seconds;
            while (step < settings.steps()) {
                double lr = settings.learningRate(step);
                lossSum += trainStep(model, weights, adam, data, step, lr);
                lossSteps++;
                step++;
                tokens += settings.tokensPerStep();
                seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
                double rate = (tokens - (state == null ? 0 : state.tokens())) / (seconds - secondsBefore);
                boolean evalNow = step % settings.evalEvery() == 0 || step == settings.steps();
                bar.update(step, String.format(Locale.ROOT, "loss %.3f  %,.0f tok/s", lossSum / lossSteps, rate),
                        (settings.steps() - step) * settings.tokensPerStep() / rate, evalNow);
                if (evalNow || step == stopAfter) {
                    double heldOut = HeldOutScore.ofModel(model, data, settings.windowTokens(), evalWindows).loss();
                    history.add(new PretrainRun.Point(step, tokens, lr, lossSum / lossSteps, heldOut, seconds));
                    lossSum = 0;
                    lossSteps = 0;
                    PretrainCheckpoint.save(out, base, adam, new PretrainCheckpoint.State(settings.name(),
                            settings.seed(), step, tokens, seconds, history));
                    bar.finish();
                    console.printf(Locale.ROOT, "step %d: held-out loss %.4f (perplexity %s), checkpoint saved%n",
                            step, heldOut, fmt(Math.exp(heldOut)));
                }
                if (step >= stopAfter && step < settings.steps()) {
                    console.printf(Locale.ROOT, "stopped after step %d; run again to resume%n", step);
                    return Optional.empty();
                }
            }
            BaseModelInitializer.writeCheckpoint(out, config, base.toHostTensors(), dtype, vocab);
            PretrainRun run = report(vocab, data, history, tokens, seconds, loadAtStart);
            run.write(out);
            PretrainCheckpoint.deleteAll(out);
            return Optional.of(run);
        }
    }

    /** The tokenizer in {@code out}: trained now, or the one a resumed run already trained with. */
    private BpeVocabulary tokenizer(boolean resuming) {
        Path file = out.resolve("tokenizer.json");
        if (resuming && Files.isRegularFile(file)) {
            return BpeVocabulary.read(file);
        }
        long started = System.nanoTime();
        BpeVocabulary vocab = BpeTrainer.train(corpus.train(), settings.vocabSize());
        vocab.write(out);
        console.printf(Locale.ROOT, "tokenizer: byte-level BPE, %,d tokens (%,d merges) in %.1f s%n", vocab.size(),
                vocab.merges().size(), (System.nanoTime() - started) / 1e9);
        return vocab;
    }

    /** One optimizer step; returns its mean training loss. */
    private double trainStep(DecoderModel model, Map<String, NDArray> weights, FullAdamW adam, TokenStreams data,
                             int step, double lr) {
        int rows = settings.batchWindows();
        int width = settings.windowTokens();
        try (NDManager m = model.base().manager().newSubManager()) {
            NDArray windows = m.create(data.trainBatch(rows, width, settings.seed(), step),
                    new Shape(rows, width + 1));                                   // [B, T + 1]
            NDArray inputs = windows.get(new NDIndex(":, :-1"));                    // [B, T]
            NDArray targets = windows.get(new NDIndex(":, 1:"));                    // [B, T]
            long[] pos = new long[rows * width];
            for (int i = 0; i < pos.length; i++) {
                pos[i] = i % width;
            }
            NDArray positions = m.create(pos, new Shape(rows, width));
            float loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(inputs, positions, null, null, null);   // [B, T, V]
                NDArray mean = DecoderModel.tokenLogProbs(logits, targets).mean().neg();
                collector.backward(mean);
                loss = mean.getFloat();
            }
            adam.step(weights, lr, settings.weightDecay(), settings.gradClipNorm(), m);
            return loss;
        }
    }

    /** Scores the model as written (weights rounded to the stored dtype, read back by the loader) and samples it. */
    private PretrainRun report(BpeVocabulary vocab, TokenStreams data, List<PretrainRun.Point> history, long tokens,
                               double seconds, String loadAtStart) {
        console.println("scoring the written model on every held-out window ...");
        DecoderModel written = HfModelLoader.load(out, Device.cpu());
        try {
            int width = settings.windowTokens();
            int windows = data.heldOutWindows(width, Integer.MAX_VALUE);
            HeldOutScore model = HeldOutScore.ofModel(written, data, width, windows);
            HeldOutScore unigram = HeldOutScore.ofUnigram(data, vocab.size(), width, windows);
            List<PretrainRun.Sample> samples = GreedySamples.of(written, out.resolve("tokenizer.json"),
                    SAMPLE_PROMPTS, 24);
            long heldOutWords = Corpus.words(corpus.heldOut());
            long heldOutBytes = corpus.heldOut().stream()
                    .mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();
            long heldOutTextTokens = data.heldOut().length - corpus.heldOut().size(); // without the separators
            PretrainRun run = new PretrainRun(corpus.name(), settings.name(), settings.seed(),
                    written.base().parameterCount(), vocab.size(), vocab.merges().size(),
                    heldOutTextTokens / (double) heldOutWords, heldOutBytes / (double) heldOutWords,
                    settings.steps(), tokens, data.train().length, tokens / (double) data.train().length,
                    history.get(history.size() - 1).trainLoss(), model.tokens(), model.loss(), model.perplexity(),
                    unigram.perplexity(), history, seconds, tokens / seconds, threads(),
                    "start " + loadAtStart + ", end " + loadAverage(), samples, command);
            console.printf(Locale.ROOT, "held-out perplexity %s (unigram baseline %s) over %,d tokens; "
                            + "%.2f tokens per word (bytes: %.2f)%n", fmt(run.heldOutPerplexity()),
                    fmt(run.unigramPerplexity()), run.heldOutTokens(), run.tokensPerWord(), run.bytesPerWord());
            samples.forEach(s -> console.println("  " + s.prompt() + " | " + s.completion()));
            return run;
        } finally {
            written.base().close();
        }
    }

    static int threads() {
        String prop = System.getProperty("ai.djl.pytorch.num_threads");
        return prop != null ? Integer.parseInt(prop) : Runtime.getRuntime().availableProcessors();
    }

    /** The 1/5/15-minute load averages, or "n/a" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String fmt(double perplexity) {
        return String.format(Locale.ROOT, "%.1f", perplexity);
    }
}
