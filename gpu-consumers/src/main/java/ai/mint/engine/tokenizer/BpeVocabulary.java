package ai.mint.engine.tokenizer;

import ai.mint.engine.EngineException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A byte-level BPE tokenizer as Hugging Face's {@code tokenizer.json} describes it: ids 0-255 are the bytes (in the
 * {@link ByteLevel} alphabet), 256-259 the special tokens, and every later id the result of one merge, in the order
 * the merges are applied. With no merges it is the plain byte tokenizer. {@link #write} produces a file that DJL's
 * {@code HuggingFaceTokenizer} (and the {@code tokenizers} library) loads.
 */
public record BpeVocabulary(List<String> tokens, List<Merge> merges) {

    public static final List<String> SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>",
            "<|pad|>");
    /** Id of {@code <|endoftext|>}, used as both BOS and EOS. */
    public static final int END_OF_TEXT = 256;
    public static final int PAD = 259;
    /** The first id a merge can produce. */
    public static final int FIRST_MERGED = 256 + SPECIAL_TOKENS.size();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two adjacent tokens, written as their byte-level strings, that become one. */
    public record Merge(String left, String right) {

        public String merged() {
            return left + right;
        }
    }

    public BpeVocabulary {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
        if (tokens.size() < FIRST_MERGED) {
            throw new IllegalArgumentException("a byte-level vocabulary needs the 256 bytes and "
                    + SPECIAL_TOKENS.size() + " special tokens, got " + tokens.size() + " tokens");
        }
        Set<String> seen = new HashSet<>();
        for (String t : tokens) {
            if (!seen.add(t)) {
                throw new IllegalArgumentException("token '" + t + "' appears twice in the vocabulary");
            }
        }
        for (Merge m : merges) {
            if (!seen.contains(m.left()) || !seen.contains(m.right()) || !seen.contains(m.merged())) {
                throw new IllegalArgumentException("merge '" + m.left() + " " + m.right()
                        + "' uses or makes a token outside the vocabulary");
            }
        }
    }

    /** The 256 bytes and the special tokens, no merges: one token per byte. */
    public static BpeVocabulary bytesOnly() {
        return new BpeVocabulary(baseTokens(), List.of());
    }

    /** The tokens every vocabulary starts with, ids 0 to {@link #FIRST_MERGED} - 1. */
    static List<String> baseTokens() {
        List<String> t = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            t.add(String.valueOf(ByteLevel.charOf(b)));
        }
        t.addAll(SPECIAL_TOKENS);
        return t;
    }

    /**
     * Reads the vocabulary and merges of a byte-level BPE {@code tokenizer.json} (merges written as {@code "a b"} or
     * as {@code ["a", "b"]}). Ids must run from 0 without gaps.
     */
    public static BpeVocabulary read(Path tokenizerJson) {
        JsonNode model;
        try {
            model = JSON.readTree(tokenizerJson.toFile()).path("model");
        } catch (IOException e) {
            throw new EngineException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
        if (!"BPE".equals(model.path("type").asText()) || !model.path("vocab").isObject()) {
            throw new EngineException(tokenizerJson + " is not a BPE tokenizer (model.type must be BPE with a vocab)");
        }
        String[] byId = new String[model.get("vocab").size()];
        model.get("vocab").fields().forEachRemaining(e -> {
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= byId.length || byId[id] != null) {
                throw new EngineException(tokenizerJson + ": token '" + e.getKey() + "' has id " + id
                        + "; ids must be 0.." + (byId.length - 1) + ", each once");
            }
            byId[id] = e.getKey();
        });
        List<Merge> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            if (m.isArray() && m.size() == 2) {
                merges.add(new Merge(m.get(0).asText(), m.get(1).asText()));
            } else {
                String[] pair = m.asText().split(" ", -1);
                if (pair.length != 2) {
                    throw new EngineException(tokenizerJson + ": merge '" + m.asText() + "' is not two tokens");
                }
                merges.add(new Merge(pair[0], pair[1]));
            }
        }
        try {
            return new BpeVocabulary(List.of(byId), merges);
        } catch (IllegalArgumentException e) {
            throw new EngineException(tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    public int size() {
        return tokens.size();
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
    public void write(Path dir) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", END_OF_TEXT + i);
            t.put("content", SPECIAL_TOKENS.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false));
        root.putNull("post_processor");
        root.set("decoder", byteLevel(true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id);
        }
        ArrayNode mergeList = model.putArray("merges");
        // "left right": the byte-level alphabet has no space, so the pair is unambiguous
        merges.forEach(m -> mergeList.add(m.left() + " " + m.right()));
        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", SPECIAL_TOKENS.get(0));
        config.put("eos_token", SPECIAL_TOKENS.get(0));
        config.put("pad_token", SPECIAL_TOKENS.get(3));
        config.put("model_max_length", 4096);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer.json").toFile(), root);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        } catch (IOException e) {
            throw new EngineException("cannot write tokenizer to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode byteLevel(boolean decoder) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", decoder);
        n.put("trim_offsets", true);
        n.put("use_regex", true);
        return n;
    }
}
