package ai.mint.engine.pretrain;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.mint.engine.EngineException;
import ai.mint.engine.GenerationParams;
import ai.mint.engine.GenerationResult;
import ai.mint.engine.generate.BaseGeneration;
import ai.mint.engine.generate.ContinuousGenerator;
import ai.mint.engine.model.DecoderModel;
import ai.mint.engine.tokenizer.BpeVocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Greedy continuations of prompts by a base model, each prompt started the way training started a sentence (after
 * {@code <|endoftext|>}) and stopped at the next {@code <|endoftext|>}: how a person sees what pretraining learned.
 */
final class GreedySamples {

    private GreedySamples() {
    }

    static List<PretrainRun.Sample> of(DecoderModel model, Path tokenizerJson, List<String> prompts, int maxTokens) {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("addSpecialTokens", "false"))) {
            int eot = BpeVocabulary.END_OF_TEXT;
            List<int[]> ids = new ArrayList<>();
            List<GenerationParams> params = new ArrayList<>();
            for (String p : prompts) {
                long[] encoded = tokenizer.encode(p, false, false).getIds();
                int[] row = new int[encoded.length + 1];
                row[0] = eot;
                for (int i = 0; i < encoded.length; i++) {
                    row[i + 1] = (int) encoded[i];
                }
                ids.add(row);
                // a short model (the micro preset) leaves fewer positions than maxTokens after the prompt
                int room = Math.min(maxTokens, model.maxPositions() - row.length);
                params.add(new GenerationParams(Math.max(1, room), 0, 1, 0, Set.of(eot)));
            }
            List<GenerationResult> results = BaseGeneration.generate(model, eot, ContinuousGenerator.Settings.DEFAULT,
                    ids, params);
            List<PretrainRun.Sample> out = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                long[] generated = Arrays.stream(results.get(i).tokens()).filter(t -> t != eot).asLongStream()
                        .toArray();
                out.add(new PretrainRun.Sample(prompts.get(i), tokenizer.decode(generated, true)));
            }
            return out;
        } catch (IOException e) {
            throw new EngineException("cannot load " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }
}
