package ai.mint.common.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: what a scrape of {@code /metrics} must look like.
 * It checks every line ({@code # HELP}, {@code # TYPE}, samples with quoted, escaped label values and a float value)
 * and that a metric's type is declared once, before its samples; histogram samples must be {@code _bucket} (with an
 * {@code le} label), {@code _sum} or {@code _count}. Tests read endpoints with it; a malformed line fails with its
 * number and what is wrong.
 */
public final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final List<String> TYPES = List.of("counter", "gauge", "histogram", "summary", "untyped");

    /**
     * One sample line.
     *
     * @param name   metric name as exposed (e.g. {@code mint_gateway_requests_total})
     * @param labels label names to values, in line order
     * @param value  the sample's value
     */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = Collections.unmodifiableList(samples);
        this.types = Collections.unmodifiableMap(types);
    }

    /** Parses a whole scrape; throws {@link IllegalArgumentException} naming the first bad line. */
    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Map<String, Boolean> sampled = new HashMap<>();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("#")) {
                    comment(line, types, sampled);
                } else {
                    Sample sample = sample(line);
                    String family = family(sample.name(), types);
                    if (types.get(family) != null && types.get(family).equals("histogram")) {
                        checkHistogramSample(sample, family);
                    }
                    sampled.put(family, true);
                    samples.add(sample);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + " '" + line + "': " + e.getMessage(), e);
            }
        }
        return new PrometheusText(samples, types);
    }

    /** Every sample, in exposition order. */
    public List<Sample> samples() {
        return samples;
    }

    /** The declared type of a metric family ({@code counter}, {@code histogram}, ...), or null. */
    public String type(String family) {
        return types.get(family);
    }

    /** Samples named {@code name} whose labels include every pair of {@code labels}. */
    public List<Sample> find(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name)
                && labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey())))).toList();
    }

    /** The sum of {@link #find}'s values (0 when none match). */
    public double sum(String name, Map<String, String> labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static void comment(String line, Map<String, String> types, Map<String, Boolean> sampled) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
            return; // any other comment is allowed
        }
        String name = parts[2];
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid metric name");
        }
        if (parts[1].equals("TYPE")) {
            if (parts.length != 4 || !TYPES.contains(parts[3])) {
                throw new IllegalArgumentException("TYPE must be one of " + TYPES);
            }
            if (types.containsKey(name)) {
                throw new IllegalArgumentException("second TYPE line for " + name);
            }
            if (sampled.containsKey(name)) {
                throw new IllegalArgumentException("TYPE of " + name + " after its samples");
            }
            types.put(name, parts[3]);
        } else if (parts.length == 4) {
            unescape(parts[3], false);
        }
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid metric name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("expected a space and a value after the " + (labels.isEmpty()
                    ? "name" : "labels"));
        }
        String[] rest = line.substring(i + 1).trim().split(" +");
        if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("expected a value and an optional timestamp");
        }
        double value = value(rest[0]);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("timestamp '" + rest[1] + "' is not an integer");
            }
        }
        return new Sample(name, Collections.unmodifiableMap(labels), value);
    }

    /** Reads {@code name="value",...}} from {@code i}; returns the index after the closing brace. */
    private static int labels(String line, int i, Map<String, String> labels) {
        while (true) {
            if (i < line.length() && line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("label without '='");
            }
            String label = line.substring(i, eq);
            if (!LABEL_NAME.matcher(label).matches()) {
                throw new IllegalArgumentException("'" + label + "' is not a valid label name");
            }
            if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("value of label " + label + " is not quoted");
            }
            int j = eq + 2;
            StringBuilder raw = new StringBuilder();
            while (j < line.length() && line.charAt(j) != '"') {
                if (line.charAt(j) == '\\' && j + 1 < line.length()) {
                    raw.append(line, j, j + 2);
                    j += 2;
                } else {
                    raw.append(line.charAt(j++));
                }
            }
            if (j >= line.length()) {
                throw new IllegalArgumentException("value of label " + label + " is not closed");
            }
            if (labels.put(label, unescape(raw.toString(), true)) != null) {
                throw new IllegalArgumentException("label " + label + " given twice");
            }
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            } else if (i >= line.length() || line.charAt(i) != '}') {
                throw new IllegalArgumentException("expected ',' or '}' after label " + label);
            }
        }
    }

    private static String unescape(String raw, boolean quotes) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = i + 1 < raw.length() ? raw.charAt(++i) : ' ';
            switch (next) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case '"' -> {
                    if (!quotes) {
                        throw new IllegalArgumentException("\\\" is not an escape in HELP text");
                    }
                    out.append('"');
                }
                default -> throw new IllegalArgumentException("bad escape \\" + next);
            }
        }
        return out.toString();
    }

    private static double value(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("value '" + text + "' is not a number");
                }
            }
        };
    }

    /** The family a sample belongs to: its own name, or a histogram/summary's base name for its suffixed samples. */
    private static String family(String name, Map<String, String> types) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type)) {
                    return base;
                }
            }
        }
        return name;
    }

    private static void checkHistogramSample(Sample sample, String family) {
        String suffix = sample.name().substring(family.length());
        switch (suffix) {
            case "_bucket" -> {
                String le = sample.labels().get("le");
                if (le == null) {
                    throw new IllegalArgumentException("histogram bucket without an le label");
                }
                value(le);
            }
            case "_sum", "_count" -> {
                // fine
            }
            default -> throw new IllegalArgumentException("histogram " + family + " has a sample " + sample.name());
        }
    }
}
