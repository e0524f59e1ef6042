package ai.mint.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates the bodies of {@code POST /v1/completions} and {@code POST /v1/chat/completions} into a
 * {@link CompletionJob}. Every check happens here, before anything reaches a topic; a bad field is a 400 naming it.
 * Supported: model, prompt (a string or strings) or messages, max_tokens (chat also max_completion_tokens),
 * temperature, top_p, n, stop (up to 4), seed, stream, stream_options.include_usage, logprobs (the sampled token's
 * log-probability: completions {@code logprobs: 0}, chat {@code logprobs: true} with {@code top_logprobs} 0; the
 * workers return no alternatives), user (ignored); presence_penalty, frequency_penalty and logit_bias only at their
 * neutral values. Anything else is refused by name.
 */
public final class CompletionRequests {

    /** max_tokens when the request gives none (OpenAI's completions default). */
    public static final int DEFAULT_MAX_TOKENS = 16;
    /** Most stop sequences, as in OpenAI's API. */
    public static final int MAX_STOP = 4;

    private CompletionRequests() {
    }

    /** A {@code /v1/completions} body. */
    public static CompletionJob completion(JsonNode body, CompletionJob.Limits limits) {
        RequestFields f = new RequestFields(body);
        ModelRef model = ModelRef.parse(f.requiredString("model"));
        JsonNode rawPrompt = f.raw("prompt");
        if (rawPrompt == null) {
            throw ApiError.invalid("prompt", "'prompt' is required");
        }
        if (rawPrompt.isArray() && rawPrompt.size() > 0 && !rawPrompt.get(0).isTextual()) {
            throw ApiError.invalid("prompt", "'prompt' as token ids is not supported: the gateway has no tokenizer;"
                    + " send text");
        }
        List<String> prompts = f.stringOrStrings("prompt", limits.maxPrompts());
        if (prompts.isEmpty()) {
            throw ApiError.invalid("prompt", "'prompt' must hold at least one string");
        }
        int maxTokens = f.integer("max_tokens", 1, limits.maxTokens(), DEFAULT_MAX_TOKENS);
        JsonNode logprobs = f.raw("logprobs");
        if (logprobs != null && (!logprobs.isIntegralNumber() || logprobs.intValue() != 0)) {
            throw ApiError.invalid("logprobs", "'logprobs' supports only 0 (each sampled token's log-probability):"
                    + " the workers return no alternative tokens");
        }
        if (f.bool("echo", false)) {
            throw ApiError.invalid("echo", "'echo' is not supported");
        }
        if (f.optionalString("suffix") != null) {
            throw ApiError.invalid("suffix", "'suffix' is not supported");
        }
        Shared common = common(f, limits);
        if (f.raw("best_of") != null && f.integer("best_of", 1, limits.maxN(), 1) != common.n()) {
            throw ApiError.invalid("best_of", "'best_of' is not supported unless it equals n");
        }
        f.rejectUnknown();
        return new CompletionJob(CompletionJob.Endpoint.COMPLETIONS, model, prompts, common.sampling(maxTokens),
                common.n(), common.stream(), common.includeUsage(), logprobs != null);
    }

    /** A {@code /v1/chat/completions} body. */
    public static CompletionJob chat(JsonNode body, CompletionJob.Limits limits) {
        RequestFields f = new RequestFields(body);
        ModelRef model = ModelRef.parse(f.requiredString("model"));
        List<ChatTemplate.Message> messages = messages(f.raw("messages"));
        boolean hasMaxTokens = f.raw("max_tokens") != null;
        boolean hasMaxCompletion = f.raw("max_completion_tokens") != null;
        if (hasMaxTokens && hasMaxCompletion) {
            throw ApiError.invalid("max_completion_tokens", "give max_completion_tokens or max_tokens, not both");
        }
        int maxTokens = f.integer(hasMaxCompletion ? "max_completion_tokens" : "max_tokens", 1, limits.maxTokens(),
                DEFAULT_MAX_TOKENS);
        boolean logprobs = f.bool("logprobs", false);
        if (f.integer("top_logprobs", 0, 20, 0) != 0) {
            throw ApiError.invalid("top_logprobs", "'top_logprobs' supports only 0: the workers return no "
                    + "alternative tokens");
        }
        JsonNode format = f.raw("response_format");
        if (format != null && !(format.isObject() && format.size() == 1 && "text".equals(format.path("type").asText()))) {
            throw ApiError.invalid("response_format", "'response_format' supports only {\"type\": \"text\"}");
        }
        f.ignore("metadata");
        f.ignore("store");
        Shared common = common(f, limits);
        f.rejectUnknown();
        return new CompletionJob(CompletionJob.Endpoint.CHAT, model, List.of(ChatTemplate.render(messages)),
                common.sampling(maxTokens), common.n(), common.stream(), common.includeUsage(), logprobs);
    }

    private static List<ChatTemplate.Message> messages(JsonNode node) {
        if (node == null) {
            throw ApiError.invalid("messages", "'messages' is required");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiError.invalid("messages", "'messages' must be a non-empty array of messages");
        }
        List<ChatTemplate.Message> messages = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                throw ApiError.invalid(at, at + " must be an object with role and content");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw ApiError.invalid(at + ".role", at + ".role must be a string");
            }
            if (!ChatTemplate.ROLES.contains(role.textValue())) {
                throw ApiError.invalid(at + ".role", at + ".role '" + role.textValue() + "' is not supported; use one"
                        + " of " + ChatTemplate.ROLES + " (tools and functions are not)");
            }
            for (var names = m.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!List.of("role", "content", "name").contains(name)) {
                    throw ApiError.invalid(at + "." + name, at + "." + name + " is not supported");
                }
            }
            messages.add(new ChatTemplate.Message(role.textValue(), content(m.get("content"), at + ".content")));
        }
        return messages;
    }

    /** A message's text: a string, or an array of {@code {"type": "text", "text": ...}} parts joined. */
    private static String content(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            throw ApiError.invalid(at, at + " is required");
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (!node.isArray()) {
            throw RequestFields.typeError(at, "a string or an array of text parts", node);
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : node) {
            if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiError.invalid(at, at + " parts must be {\"type\": \"text\", \"text\": ...}; only text is "
                        + "supported");
            }
            text.append(part.get("text").textValue());
        }
        return text.toString();
    }

    /** The fields both endpoints share. */
    private static Shared common(RequestFields f, CompletionJob.Limits limits) {
        double temperature = f.number("temperature", 0, false, 2, 1);
        double topP = f.number("top_p", 0, true, 1, 1);
        int n = f.integer("n", 1, limits.maxN(), 1);
        List<String> stop = f.stringOrStrings("stop", MAX_STOP);
        Long seed = f.optionalLong("seed");
        boolean stream = f.bool("stream", false);
        boolean includeUsage = false;
        JsonNode options = f.raw("stream_options");
        if (options != null) {
            if (!stream) {
                throw ApiError.invalid("stream_options", "'stream_options' is only allowed with stream: true");
            }
            if (!options.isObject()) {
                throw RequestFields.typeError("stream_options", "an object", options);
            }
            JsonNode usage = options.get("include_usage");
            if (usage != null && !usage.isNull() && !usage.isBoolean()) {
                throw RequestFields.typeError("stream_options.include_usage", "true or false", usage);
            }
            includeUsage = usage != null && usage.asBoolean(false);
        }
        f.requireNeutral("presence_penalty", 0);
        f.requireNeutral("frequency_penalty", 0);
        JsonNode bias = f.raw("logit_bias");
        if (bias != null && !(bias.isObject() && bias.isEmpty())) {
            throw ApiError.invalid("logit_bias", "'logit_bias' is not supported");
        }
        f.ignore("user");
        return new Shared(temperature, topP, n, stop, seed, stream, includeUsage);
    }

    private record Shared(double temperature, double topP, int n, List<String> stop, Long seed, boolean stream,
                            boolean includeUsage) {
        CompletionJob.Sampling sampling(int maxTokens) {
            return new CompletionJob.Sampling(maxTokens, temperature, topP, seed, stop);
        }
    }
}
