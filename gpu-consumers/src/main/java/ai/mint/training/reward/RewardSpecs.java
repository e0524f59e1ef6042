package ai.mint.training.reward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses a policy's {@code reward_spec} JSON into a {@link RewardFunction}. Every object has a {@code type}:
 * <pre>
 * {"type":"exact_match", "expected":"42", "ignore_case":false}     expected defaults to the prompt's reference
 * {"type":"regex", "pattern":"^\\d+$", "full_match":false}
 * {"type":"contains", "text":"7", "ignore_case":false}
 * {"type":"numeric", "expected":3.5, "tolerance":0.01}           expected defaults to the prompt's reference
 * {"type":"length_target", "target":5, "unit":"tokens"}          unit: tokens | chars | words
 * {"type":"valid_json", "require_object":false}
 * {"type":"weighted", "terms":[{"weight":0.7, "reward":{...}}, ...]}
 * {"type":"external", "evaluator":"judge", "timeout_ms":30000}
 * </pre>
 * Unknown types and unknown fields are errors (a misspelt field would otherwise be ignored silently); each error
 * names the JSON path, e.g. {@code reward_spec.terms[1].reward.tolerance: must be a number >= 0}.
 */
public final class RewardSpecs {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TYPES =
            List.of("exact_match", "regex", "contains", "numeric", "length_target", "valid_json", "weighted", "external");

    private RewardSpecs() {
    }

    /** Parses a spec; external terms go to {@code externals}. */
    public static RewardFunction parse(String specJson, ExternalRewardClient externals) {
        if (specJson == null || specJson.isBlank()) {
            throw new RewardSpecException("", "is empty; expected a JSON object with a \"type\" (one of " + TYPES + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(specJson);
        } catch (JsonProcessingException e) {
            throw new RewardSpecException("", "is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return parseNode(root, "", externals);
    }

    /** Parses a spec that may not use external rewards. */
    public static RewardFunction parse(String specJson) {
        return parse(specJson, ExternalRewardClient.NONE);
    }

    private static RewardFunction parseNode(JsonNode node, String path, ExternalRewardClient externals) {
        if (node == null || !node.isObject()) {
            throw new RewardSpecException(path, "expected a JSON object with a \"type\", got " + kind(node));
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new RewardSpecException(path + ".type", "missing; expected one of " + TYPES);
        }
        String type = typeNode.asText();
        return switch (type) {
            case "exact_match" -> {
                allowOnly(node, path, "expected", "ignore_case");
                yield new ExactMatchReward(optText(node, path, "expected"), optBool(node, path, "ignore_case"));
            }
            case "regex" -> {
                allowOnly(node, path, "pattern", "full_match");
                String pattern = text(node, path, "pattern");
                try {
                    yield new RegexReward(Pattern.compile(pattern), optBool(node, path, "full_match"));
                } catch (PatternSyntaxException e) {
                    throw new RewardSpecException(path + ".pattern", "is not a valid regular expression: "
                            + e.getDescription() + " near index " + e.getIndex(), e);
                }
            }
            case "contains" -> {
                allowOnly(node, path, "text", "ignore_case");
                String text = text(node, path, "text");
                if (text.isEmpty()) {
                    throw new RewardSpecException(path + ".text", "must not be empty");
                }
                yield new ContainsReward(text, optBool(node, path, "ignore_case"));
            }
            case "numeric" -> {
                allowOnly(node, path, "expected", "tolerance");
                Double expected = node.has("expected") ? number(node, path, "expected") : null;
                double tolerance = node.has("tolerance") ? number(node, path, "tolerance") : 1e-6;
                if (tolerance < 0) {
                    throw new RewardSpecException(path + ".tolerance", "must be a number >= 0, got " + tolerance);
                }
                yield new NumericAnswerReward(expected, tolerance);
            }
            case "length_target" -> {
                allowOnly(node, path, "target", "unit");
                int target = positiveInt(node, path, "target");
                String unit = node.has("unit") ? text(node, path, "unit") : "tokens";
                LengthTargetReward.Unit u;
                try {
                    u = LengthTargetReward.Unit.valueOf(unit.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new RewardSpecException(path + ".unit", "unknown unit '" + unit + "'; expected tokens, chars or words");
                }
                yield new LengthTargetReward(target, u);
            }
            case "valid_json" -> {
                allowOnly(node, path, "require_object");
                yield new ValidJsonReward(optBool(node, path, "require_object"));
            }
            case "weighted" -> {
                allowOnly(node, path, "terms");
                yield parseWeighted(node, path, externals);
            }
            case "external" -> {
                allowOnly(node, path, "evaluator", "timeout_ms");
                String evaluator = text(node, path, "evaluator");
                int timeoutMs = node.has("timeout_ms") ? positiveInt(node, path, "timeout_ms") : 30_000;
                yield new ExternalReward(evaluator, externals, Duration.ofMillis(timeoutMs));
            }
            default -> throw new RewardSpecException(path + ".type", "unknown type '" + type + "'; expected one of " + TYPES);
        };
    }

    private static WeightedReward parseWeighted(JsonNode node, String path, ExternalRewardClient externals) {
        JsonNode terms = node.get("terms");
        if (terms == null || !terms.isArray() || terms.isEmpty()) {
            throw new RewardSpecException(path + ".terms", "must be a non-empty array of {\"weight\":w, \"reward\":{...}}");
        }
        List<WeightedReward.Term> parsed = new ArrayList<>();
        for (int i = 0; i < terms.size(); i++) {
            String termPath = path + ".terms[" + i + "]";
            JsonNode term = terms.get(i);
            if (!term.isObject()) {
                throw new RewardSpecException(termPath, "expected {\"weight\":w, \"reward\":{...}}, got " + kind(term));
            }
            allowOnly(term, termPath, "weight", "reward");
            double weight = number(term, termPath, "weight");
            parsed.add(new WeightedReward.Term(weight, parseNode(term.get("reward"), termPath + ".reward", externals)));
        }
        return new WeightedReward(parsed);
    }

    private static void allowOnly(JsonNode node, String path, String... fields) {
        Set<String> allowed = Set.of(fields);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("type") && !allowed.contains(name)) {
                throw new RewardSpecException(path + "." + name, "unknown field for type '" + node.get("type").asText()
                        + "'; allowed: " + List.of(fields));
            }
        }
    }

    private static String text(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new RewardSpecException(path + "." + field, (v == null ? "missing" : "must be a string, got " + kind(v)));
        }
        return v.asText();
    }

    private static String optText(JsonNode node, String path, String field) {
        return node.has(field) ? text(node, path, field) : null;
    }

    private static boolean optBool(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new RewardSpecException(path + "." + field, "must be true or false, got " + kind(v));
        }
        return v.asBoolean();
    }

    private static double number(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new RewardSpecException(path + "." + field, (v == null ? "missing" : "must be a finite number, got " + kind(v)));
        }
        return v.asDouble();
    }

    private static int positiveInt(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            throw new RewardSpecException(path + "." + field, (v == null ? "missing" : "must be a positive integer, got " + v));
        }
        return v.asInt();
    }

    private static String kind(JsonNode v) {
        if (v == null) {
            return "nothing";
        }
        return v.getNodeType().name().toLowerCase(Locale.ROOT) + " " + v;
    }
}
