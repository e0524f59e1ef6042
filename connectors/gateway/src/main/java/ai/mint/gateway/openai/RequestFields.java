package ai.mint.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of one JSON request body by name and type, as OpenAI's API defines them: a wrong type or a value
 * out of range is a 400 that names the field and says what it must be; {@code null} counts as absent. Every field read
 * is remembered, so that {@link #rejectUnknown()} can refuse a misspelt or unsupported one instead of ignoring it.
 */
public final class RequestFields {

    private final JsonNode body;
    private final Set<String> read = new HashSet<>();

    public RequestFields(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid(null, "the request body must be a JSON object");
        }
        this.body = body;
    }

    /** The raw value of a field, or null when absent or null. */
    public JsonNode raw(String name) {
        read.add(name);
        JsonNode node = body.get(name);
        return node == null || node.isNull() ? null : node;
    }

    public String requiredString(String name) {
        JsonNode node = raw(name);
        if (node == null) {
            throw ApiError.invalid(name, "'" + name + "' is required");
        }
        if (!node.isTextual()) {
            throw typeError(name, "a string", node);
        }
        return node.textValue();
    }

    public String optionalString(String name) {
        JsonNode node = raw(name);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw typeError(name, "a string", node);
        }
        return node.textValue();
    }

    /** An integer in {@code min..max}, or {@code fallback} when absent. */
    public int integer(String name, int min, int max, int fallback) {
        JsonNode node = raw(name);
        if (node == null) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw typeError(name, "an integer", node);
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw ApiError.invalid(name, "'" + name + "' must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    /** A 64-bit integer, or null when absent. */
    public Long optionalLong(String name) {
        JsonNode node = raw(name);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw typeError(name, "an integer", node);
        }
        return node.longValue();
    }

    /** A number in {@code [min, max]} ({@code (min, max]} when {@code minExclusive}), or {@code fallback}. */
    public double number(String name, double min, boolean minExclusive, double max, double fallback) {
        JsonNode node = raw(name);
        if (node == null) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw typeError(name, "a number", node);
        }
        double value = node.doubleValue();
        if (Double.isNaN(value) || (minExclusive ? value <= min : value < min) || value > max) {
            throw ApiError.invalid(name, "'" + name + "' must be in " + (minExclusive ? "(" : "[") + min + ", " + max
                    + "], got " + node.asText());
        }
        return value;
    }

    public boolean bool(String name, boolean fallback) {
        JsonNode node = raw(name);
        if (node == null) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw typeError(name, "true or false", node);
        }
        return node.booleanValue();
    }

    /** A string or an array of 1..{@code max} non-empty strings; absent is empty. */
    public List<String> stringOrStrings(String name, int max) {
        JsonNode node = raw(name);
        List<String> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        if (node.isTextual()) {
            values.add(node.textValue());
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    throw ApiError.invalid(name, "'" + name + "' must be a string or an array of strings; item "
                            + values.size() + " is " + describe(item));
                }
                values.add(item.textValue());
            }
        } else {
            throw typeError(name, "a string or an array of strings", node);
        }
        if (values.size() > max) {
            throw ApiError.invalid(name, "'" + name + "' may hold at most " + max + " strings, got " + values.size());
        }
        if (values.stream().anyMatch(String::isEmpty)) {
            throw ApiError.invalid(name, "'" + name + "' must not hold an empty string");
        }
        return values;
    }

    /** Refuses a field that is given with anything but its neutral value (what the gateway cannot honour). */
    public void requireNeutral(String name, double neutral) {
        JsonNode node = raw(name);
        if (node != null && (!node.isNumber() || node.doubleValue() != neutral)) {
            throw ApiError.invalid(name, "'" + name + "' is not supported (only " + neutral + ")");
        }
    }

    /** Accepts a field without using it (e.g. {@code user}, which only labels the request for the caller). */
    public void ignore(String name) {
        read.add(name);
    }

    /** Refuses the first field that was never read: misspelt, or a feature the gateway does not have. */
    public void rejectUnknown() {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!read.contains(name)) {
                throw ApiError.invalid(name, "Unrecognized request argument supplied: " + name);
            }
        }
    }

    static ApiError typeError(String name, String expected, JsonNode node) {
        return ApiError.invalid(name, "'" + name + "' must be " + expected + ", got " + describe(node));
    }

    static String describe(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            return "the string \"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"";
        }
        if (node.isContainerNode()) {
            return node.isArray() ? "an array" : "an object";
        }
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + node.asText();
    }
}
