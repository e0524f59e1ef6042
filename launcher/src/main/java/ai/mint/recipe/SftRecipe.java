package ai.mint.recipe;

import ai.mint.api.AdamConfig;
import ai.mint.api.Datum;
import ai.mint.api.LossFunction;
import ai.mint.api.ModelInfo;
import ai.mint.api.SamplingConfig;
import ai.mint.api.TrainingClient;
import ai.mint.common.cli.Sparkline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mint recipe sft}: supervised fine-tuning of a new LoRA on a JSONL file of {@code {"prompt", "completion"}}
 * pairs, only through the training API: each step one forward_backward with cross-entropy on the completion tokens
 * (a batch taken round-robin from the file) and one optim_step; the loss of every step is printed, then the curve,
 * a greedy sample of the first prompts and the address of the exported adapter.
 */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Supervised fine-tuning of a LoRA on a JSONL file of prompt/completion pairs.")
final class SftRecipe implements Callable<Integer> {

    @Mixin
    RecipeTarget target;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "JSONL, one {\"prompt\": ..., \"completion\": ...} per line.")
    Path data;

    @Option(names = "--steps", defaultValue = "20", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--check-tokens", defaultValue = "16",
            description = "New tokens of the sampled check at the end (default: ${DEFAULT-VALUE}).")
    int checkTokens;

    /** One line of the data file. */
    record Pair(String prompt, String completion) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Pair> pairs = read(data);
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("--steps and --batch must be >= 1");
        }
        try (RecipeTarget.Opened opened = target.open()) {
            TrainingClient client = opened.create(target.policy, target.lora());
            ModelInfo info = client.getInfo().get();
            List<Datum> datums = datums(client, pairs, info.maxPositions());
            out.printf("sft: policy %s on %s, %d pairs, %d steps of %d, lr %s%n", client.policyId(), opened.base(),
                    pairs.size(), steps, Math.min(batch, datums.size()), target.learningRate);
            List<Double> losses = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                List<Datum> slice = new ArrayList<>();
                for (int i = 0; i < Math.min(batch, datums.size()); i++) {
                    slice.add(datums.get((step * batch + i) % datums.size()));
                }
                double loss = client.forwardBackward(slice, LossFunction.CROSS_ENTROPY).get().loss();
                client.optimStep(AdamConfig.of(target.learningRate)).get();
                losses.add(loss);
                out.printf("step %3d  loss %.4f%n", step + 1, loss);
                out.flush();
            }
            out.printf("loss curve  %s  %.4f -> %.4f%n", Sparkline.of(losses, 60), losses.get(0),
                    losses.get(losses.size() - 1));
            SamplingConfig greedy = new SamplingConfig(checkTokens, 0, 0L, List.of());
            for (Pair p : pairs.subList(0, Math.min(3, pairs.size()))) {
                String text = client.sample(p.prompt(), 1, greedy).get().sequences().get(0).text();
                out.printf("check  %s -> %s   (data: %s)%n", quoted(p.prompt()), quoted(text), quoted(p.completion()));
            }
            out.println("exported " + client.saveWeightsForSampler("sft-final").get().uri());
            return 0;
        }
    }

    static List<Pair> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--data " + file + " is not a file");
        }
        ObjectMapper json = new ObjectMapper();
        List<Pair> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is not JSON: " + e.getMessage());
            }
            if (!node.path("prompt").isTextual() || !node.path("completion").isTextual()
                    || node.path("completion").asText().isEmpty()) {
                throw new IllegalArgumentException(file + " line " + (i + 1)
                        + " needs text fields \"prompt\" and \"completion\" (non-empty)");
            }
            out.add(new Pair(node.get("prompt").asText(), node.get("completion").asText()));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no prompt/completion pairs");
        }
        return out;
    }

    /** Prompt + completion tokens, loss on the completion only; refuses pairs longer than the base allows. */
    private static List<Datum> datums(TrainingClient client, List<Pair> pairs, int maxPositions) throws Exception {
        List<String> texts = new ArrayList<>();
        pairs.forEach(p -> {
            texts.add(p.prompt());
            texts.add(p.completion());
        });
        List<int[]> tokens = client.encode(texts).get();
        List<Datum> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            int[] prompt = tokens.get(2 * i);
            int[] completion = tokens.get(2 * i + 1);
            int[] sequence = new int[prompt.length + completion.length];
            if (sequence.length > maxPositions) {
                throw new IllegalArgumentException("pair " + (i + 1) + " is " + sequence.length
                        + " tokens; the base takes at most " + maxPositions);
            }
            System.arraycopy(prompt, 0, sequence, 0, prompt.length);
            System.arraycopy(completion, 0, sequence, prompt.length, completion.length);
            out.add(Datum.supervised(sequence, prompt.length));
        }
        return out;
    }

    static String quoted(String text) {
        return "\"" + text.replace("\n", "\\n") + "\"";
    }
}
