package ai.mint.common.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one benchmark: a table people read and a JSON file tools read ({@code target/bench/NAME.json}, with a
 * top-level {@code ratio} and, where the MinT paper has a figure, {@code paper_ratio}). Timings on a shared 2-core
 * machine are noisy, so benchmarks report ratios of variants measured side by side in the same run by a
 * {@link BenchRun}; {@link #variants} adds each variant's median, min, max, runs and samples (and those of its timed
 * parts and metrics) to the printout and to the JSON's {@code variants} object.
 */
public final class BenchReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String name;
    private final String description;
    private final List<String> columns = new ArrayList<>();
    private final List<List<Object>> rows = new ArrayList<>();
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final List<BenchResult> runs = new ArrayList<>();
    private final Map<String, Map<String, Stats>> derived = new LinkedHashMap<>();
    private Double ratio;
    private String ratioMeaning;
    private Double paperRatio;
    private String paperSetting;

    public BenchReport(String name, String description) {
        this.name = name;
        this.description = description;
    }

    /** Names the table's columns; call once before {@link #row}. */
    public BenchReport columns(String... names) {
        columns.clear();
        columns.addAll(List.of(names));
        return this;
    }

    public BenchReport row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + columns.size()
                    + " columns " + columns);
        }
        rows.add(List.of(cells));
        return this;
    }

    /** A named figure that goes into the JSON as a top-level field (numbers, strings, booleans). */
    public BenchReport figure(String key, Object value) {
        figures.put(key, value);
        return this;
    }

    /** The headline ratio and what it divides (e.g. "looped time / batched time"). */
    public BenchReport ratio(double value, String meaning) {
        this.ratio = value;
        this.ratioMeaning = meaning;
        return this;
    }

    /** The MinT paper's figure for the same ratio and the setting it was measured in (e.g. "4B dense"). */
    public BenchReport paperRatio(double value, String setting) {
        this.paperRatio = value;
        this.paperSetting = setting;
        return this;
    }

    /**
     * Adds every variant of {@code result} (several runs may be added; variant names must differ across them).
     */
    public BenchReport variants(BenchResult result) {
        for (BenchResult earlier : runs) {
            for (String v : result.variants().keySet()) {
                if (earlier.variants().containsKey(v)) {
                    throw new IllegalArgumentException("variant '" + v + "' is in runs '" + earlier.name() + "' and '"
                            + result.name() + "'");
                }
            }
        }
        runs.add(result);
        return this;
    }

    /**
     * Adds statistics derived from a variant's samples under {@code key} of its JSON entry and its printout, e.g.
     * tokens/s from its times ({@link Stats#map}).
     */
    public BenchReport derived(String variant, String key, Stats stats) {
        if (runs.stream().noneMatch(r -> r.variants().containsKey(variant))) {
            throw new IllegalArgumentException("no variant '" + variant + "' has been added to " + name);
        }
        derived.computeIfAbsent(variant, v -> new LinkedHashMap<>()).put(key, stats);
        return this;
    }

    public BenchReport note(String text) {
        notes.add(text);
        return this;
    }

    /** Prints the table and headline figures, and writes {@code dir/NAME.json}. Returns the JSON file. */
    public Path publish(PrintStream out, Path dir) {
        out.println();
        out.println("== " + name + ": " + description);
        printTable(out, columns, rows);
        printVariants(out);
        figures.forEach((k, v) -> out.printf("  %-28s %s%n", k, format(v)));
        if (ratio != null) {
            // small ratios (an adapter's size over its base's) keep their significant digits
            out.printf(Math.abs(ratio) >= 0.1 ? "  ratio (%s): %.2fx%n" : "  ratio (%s): %.3gx%n", ratioMeaning, ratio);
        }
        if (paperRatio != null) {
            out.printf("  MinT paper: %.2fx (%s)%n", paperRatio, paperSetting);
        }
        notes.forEach(n -> out.println("  note: " + n));
        Path file = dir.resolve(name + ".json");
        try {
            Files.createDirectories(dir);
            JSON.writeValue(file.toFile(), toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write benchmark result " + file + ": " + e.getMessage(), e);
        }
        out.println("  wrote " + file);
        return file;
    }

    /** {@link #publish(PrintStream, Path)} to standard out and {@code target/bench} under the working directory. */
    public Path publish() {
        return publish(System.out, Path.of("target", "bench"));
    }

    ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name);
        root.put("description", description);
        root.put("measured_at", Instant.now().toString());
        if (ratio != null) {
            root.put("ratio", ratio);
            root.put("ratio_meaning", ratioMeaning);
        }
        if (paperRatio != null) {
            root.put("paper_ratio", paperRatio);
            root.put("paper_setting", paperSetting);
        }
        figures.forEach((k, v) -> root.set(k, JSON.valueToTree(v)));
        ArrayNode table = root.putArray("rows");
        for (List<Object> row : rows) {
            ObjectNode r = table.addObject();
            for (int i = 0; i < columns.size(); i++) {
                r.set(columns.get(i), JSON.valueToTree(row.get(i)));
            }
        }
        if (!runs.isEmpty()) {
            ObjectNode variants = root.putObject("variants");
            ArrayNode runInfo = root.putArray("runs");
            for (BenchResult run : runs) {
                ObjectNode info = runInfo.addObject();
                info.put("name", run.name());
                info.put("warm_ups", run.warmUps());
                info.put("rounds", run.rounds());
                info.put("order", "rotated each round");
                info.put("wall_s", run.wallNanos() / 1e9);
                run.variants().forEach((v, result) -> variants.set(v, variantJson(result)));
            }
        }
        ArrayNode n = root.putArray("notes");
        notes.forEach(n::add);
        return root;
    }

    private ObjectNode variantJson(BenchResult.VariantResult result) {
        ObjectNode v = statsJson(result.total());
        if (!result.parts().isEmpty()) {
            ObjectNode parts = v.putObject("parts");
            result.parts().forEach((p, s) -> parts.set(p, statsJson(s)));
        }
        if (!result.metrics().isEmpty()) {
            ObjectNode metrics = v.putObject("metrics");
            result.metrics().forEach((m, s) -> metrics.set(m, statsJson(s)));
        }
        derived.getOrDefault(result.name(), Map.of()).forEach((k, s) -> v.set(k, statsJson(s)));
        return v;
    }

    private static ObjectNode statsJson(Stats s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("unit", s.unit());
        o.put("median", s.median());
        o.put("min", s.min());
        o.put("max", s.max());
        o.put("runs", s.runs());
        ArrayNode samples = o.putArray("samples");
        s.samples().forEach(samples::add);
        return o;
    }

    /** One line per variant (and per timed part and derived figure) with median, min, max and runs. */
    private void printVariants(PrintStream out) {
        if (runs.isEmpty()) {
            return;
        }
        List<List<Object>> lines = new ArrayList<>();
        for (BenchResult run : runs) {
            run.variants().forEach((v, result) -> {
                lines.add(statsRow(v, result.total()));
                if (result.parts().size() > 1) { // a single part is the total again
                    result.parts().forEach((p, s) -> lines.add(statsRow("  " + p, s)));
                }
                derived.getOrDefault(v, Map.of()).forEach((k, s) -> lines.add(statsRow("  " + k, s)));
            });
        }
        out.println();
        printTable(out, List.of("variant (timed runs)", "unit", "median", "min", "max", "runs"), lines);
    }

    private static List<Object> statsRow(String label, Stats s) {
        return List.of(label, s.unit(), s.median(), s.min(), s.max(), s.runs());
    }

    private static void printTable(PrintStream out, List<String> columns, List<List<Object>> rows) {
        if (columns.isEmpty()) {
            return;
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = columns.get(i).length();
            for (List<Object> row : rows) {
                widths[i] = Math.max(widths[i], format(row.get(i)).length());
            }
        }
        StringBuilder header = new StringBuilder("  ");
        StringBuilder rule = new StringBuilder("  ");
        for (int i = 0; i < widths.length; i++) {
            header.append(String.format("%-" + widths[i] + "s  ", columns.get(i)));
            rule.append("-".repeat(widths[i])).append("  ");
        }
        out.println(header.toString().stripTrailing());
        out.println(rule.toString().stripTrailing());
        for (List<Object> row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < widths.length; i++) {
                String cell = format(row.get(i));
                line.append(row.get(i) instanceof Number ? String.format("%" + widths[i] + "s  ", cell)
                        : String.format("%-" + widths[i] + "s  ", cell));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String format(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Math.abs(d) >= 100 || d == Math.rint(d) ? String.format("%.1f", d) : String.format("%.3f", d);
        }
        return String.valueOf(v);
    }
}
