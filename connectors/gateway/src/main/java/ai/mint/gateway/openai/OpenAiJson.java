package ai.mint.gateway.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The response documents of OpenAI's API, as the official SDKs read them: completions and chat completions (whole and
 * as stream chunks), usage, and model lists. Only shapes live here; what goes into them is the caller's.
 */
public final class OpenAiJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OpenAiJson() {
    }

    /**
     * Token counts of one response.
     *
     * @param promptTokens     tokens of the prompts (each prompt once)
     * @param completionTokens tokens of every choice
     */
    public record Usage(int promptTokens, int completionTokens) {

        /** The usage of {@code choices} answering {@code n} choices per prompt. */
        public static Usage of(List<Choice> choices, int n) {
            int prompt = 0;
            int completion = 0;
            for (Choice c : choices) {
                completion += c.completionTokens();
                if (c.index() % n == 0) {
                    prompt += c.promptTokens();
                }
            }
            return new Usage(prompt, completion);
        }

        ObjectNode json() {
            ObjectNode usage = JSON.objectNode();
            usage.put("prompt_tokens", promptTokens);
            usage.put("completion_tokens", completionTokens);
            usage.put("total_tokens", promptTokens + completionTokens);
            return usage;
        }
    }

    /** A whole {@code text_completion}. */
    public static ObjectNode completion(String id, long created, String model, List<Choice> choices, boolean logprobs,
                                        Usage usage) {
        ObjectNode root = header(id, "text_completion", created, model);
        ArrayNode array = root.putArray("choices");
        for (Choice c : choices) {
            ObjectNode choice = array.addObject();
            choice.put("index", c.index());
            choice.put("text", c.text());
            choice.set("logprobs", logprobs ? completionLogprobs(c) : JSON.nullNode());
            choice.put("finish_reason", c.finishReason());
        }
        root.set("usage", usage.json());
        return root;
    }

    /** A whole {@code chat.completion}. */
    public static ObjectNode chatCompletion(String id, long created, String model, List<Choice> choices,
                                            boolean logprobs, Usage usage) {
        ObjectNode root = header(id, "chat.completion", created, model);
        ArrayNode array = root.putArray("choices");
        for (Choice c : choices) {
            ObjectNode choice = array.addObject();
            choice.put("index", c.index());
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.text());
            message.putNull("refusal");
            choice.set("logprobs", logprobs ? chatLogprobs(c) : JSON.nullNode());
            choice.put("finish_reason", c.finishReason());
        }
        root.set("usage", usage.json());
        return root;
    }

    /** One streamed piece of a text completion; {@code finishReason} null while the choice goes on. */
    public static ObjectNode completionChunk(String id, long created, String model, Choice c, boolean logprobs,
                                             String finishReason) {
        ObjectNode root = header(id, "text_completion", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", c.index());
        choice.put("text", finishReason == null ? c.text() : "");
        choice.set("logprobs", logprobs && finishReason == null ? completionLogprobs(c) : JSON.nullNode());
        choice.put("finish_reason", finishReason);
        return root;
    }

    /**
     * One streamed piece of a chat completion: the first carries the role, then content, the last only the finish
     * reason.
     */
    public static ObjectNode chatChunk(String id, long created, String model, int index, String role, Choice content,
                                       boolean logprobs, String finishReason) {
        ObjectNode root = header(id, "chat.completion.chunk", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", index);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) {
            delta.put("role", role);
            delta.put("content", "");
        }
        if (content != null) {
            delta.put("content", content.text());
        }
        choice.set("logprobs", logprobs && content != null ? chatLogprobs(content) : JSON.nullNode());
        choice.put("finish_reason", finishReason);
        return root;
    }

    /** The last chunk of a stream that asked for usage: no choices, the usage of the whole response. */
    public static ObjectNode usageChunk(String object, String id, long created, String model, Usage usage) {
        ObjectNode root = header(id, object, created, model);
        root.putArray("choices");
        root.set("usage", usage.json());
        return root;
    }

    /** One entry of {@code GET /v1/models}. */
    public static ObjectNode model(String id, long created, String ownedBy, String servingRevision) {
        ObjectNode model = JSON.objectNode();
        model.put("id", id);
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", ownedBy);
        model.put("serving_revision", servingRevision);
        return model;
    }

    /** A page of models: {@code has_more} and {@code last_id} tell the next page's {@code after}. */
    public static ObjectNode modelList(List<ObjectNode> models, boolean hasMore) {
        ObjectNode root = JSON.objectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        models.forEach(data::add);
        root.put("has_more", hasMore);
        root.put("first_id", models.isEmpty() ? null : models.get(0).get("id").asText());
        root.put("last_id", models.isEmpty() ? null : models.get(models.size() - 1).get("id").asText());
        return root;
    }

    private static ObjectNode header(String id, String object, long created, String model) {
        ObjectNode root = JSON.objectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.putNull("system_fingerprint");
        return root;
    }

    /** Completions log-probabilities: tokens, their log-probabilities and offsets in the completion. */
    private static ObjectNode completionLogprobs(Choice c) {
        ObjectNode logprobs = JSON.objectNode();
        ArrayNode tokens = logprobs.putArray("tokens");
        ArrayNode values = logprobs.putArray("token_logprobs");
        ArrayNode offsets = logprobs.putArray("text_offset");
        int offset = 0;
        for (int i = 0; i < c.tokens().size(); i++) {
            tokens.add(c.tokens().get(i));
            values.add(c.logprobs().get(i));
            offsets.add(offset);
            offset += c.tokens().get(i).length();
        }
        logprobs.putNull("top_logprobs");
        return logprobs;
    }

    /** Chat log-probabilities: per token its text, log-probability and UTF-8 bytes; no alternatives. */
    private static ObjectNode chatLogprobs(Choice c) {
        ObjectNode logprobs = JSON.objectNode();
        ArrayNode content = logprobs.putArray("content");
        for (int i = 0; i < c.tokens().size(); i++) {
            ObjectNode token = content.addObject();
            token.put("token", c.tokens().get(i));
            token.put("logprob", c.logprobs().get(i));
            ArrayNode bytes = token.putArray("bytes");
            for (byte b : c.tokens().get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                bytes.add(b & 0xff);
            }
            token.putArray("top_logprobs");
        }
        logprobs.putNull("refusal");
        return logprobs;
    }
}
