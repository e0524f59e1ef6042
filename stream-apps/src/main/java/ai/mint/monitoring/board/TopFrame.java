package ai.mint.monitoring.board;

import ai.mint.common.cli.Sparkline;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One frame of {@code mint top} as text: the workers (queue, load, last heartbeat, req/s, errors, p50/p99, tokens/s
 * of their latest closed window, resident adapters), the busiest
 * policies (req/s, errors, p50/p99, tokens/s, reward with a sparkline of its last windows) and the newest alerts.
 * {@link #redraw} puts the ANSI clear-and-home in front, so that a terminal shows each frame in place.
 */
public final class TopFrame {

    /** ANSI: cursor home, clear the screen. */
    public static final String CLEAR = "\u001b[H\u001b[2J";
    static final int SPARK_WIDTH = 20;
    /** Views per policy a frame's sparkline covers. */
    public static final int SPARK_HISTORY = SPARK_WIDTH;
    private static final int ADAPTERS_SHOWN = 3;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private TopFrame() {
    }

    public static String redraw(String frame) {
        return CLEAR + frame;
    }

    /** The frame of {@code snapshot} as seen at {@code nowMs}. */
    public static String render(MonitorSnapshot snapshot, long nowMs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "mint top   %s UTC   %d workers, %d policies shown, %d alerts%n",
                CLOCK.format(Instant.ofEpochMilli(nowMs)), snapshot.workers().size(), snapshot.policies().size(),
                snapshot.alerts().size()));
        out.append(System.lineSeparator()).append("WORKERS").append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "  %-16s %9s %6s %9s %8s %6s %8s %8s %8s  %s%n", "worker", "queue",
                "load", "seen", "req/s", "err%", "p50 ms", "p99 ms", "tok/s", "resident adapters"));
        if (snapshot.workers().isEmpty()) {
            out.append("  (no worker seen yet)").append(System.lineSeparator());
        }
        for (WorkerRow w : snapshot.workers()) {
            String queue = w.queueCapacity() > 0 ? w.queueDepth() + "/" + w.queueCapacity()
                    : Integer.toString(w.queueDepth());
            boolean windowed = w.windowEnd() > 0; // figures of its latest closed window, none before the first
            out.append(String.format(Locale.ROOT, "  %-16s %9s %5.0f%% %9s %8s %6s %8s %8s %8s  %s%n",
                    clip(w.worker(), 16), queue, 100 * w.load(), (w.leaving() ? "left " : "") + ago(nowMs - w.lastSeen()),
                    windowed ? number(w.requestsPerSecond(), "%.2f") : "-",
                    windowed ? number(100 * w.errorRate(), "%.1f%%") : "-", number(w.latencyP50Ms(), "%.0f"),
                    number(w.latencyP99Ms(), "%.0f"), windowed ? number(w.tokensPerSecond(), "%.1f") : "-",
                    adapters(w.residentAdapters())));
        }
        out.append(System.lineSeparator()).append("POLICIES (newest window first, busiest first)")
                .append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "  %-20s %8s %6s %8s %8s %8s %8s  %-" + SPARK_WIDTH + "s %s%n",
                "policy", "req/s", "err%", "p50 ms", "p99 ms", "tok/s", "reward", "reward trend", "window"));
        if (snapshot.policies().isEmpty()) {
            out.append("  (no window closed yet)").append(System.lineSeparator());
        }
        for (PolicyRow p : snapshot.policies()) {
            out.append(String.format(Locale.ROOT, "  %-20s %8.2f %5.1f%% %8s %8s %8.1f %8s  %-" + SPARK_WIDTH
                            + "s ended %s ago%n", clip(p.policy().isEmpty() ? "(no key)" : p.policy(), 20),
                    p.requestsPerSecond(), 100 * p.errorRate(), number(p.latencyP50Ms(), "%.0f"),
                    number(p.latencyP99Ms(), "%.0f"), p.tokensPerSecond(), number(p.rewardMean(), "%.3f"),
                    sparkline(p.rewardHistory()), ago(nowMs - p.windowEnd())));
        }
        out.append(System.lineSeparator()).append("ALERTS (newest first)").append(System.lineSeparator());
        if (snapshot.alerts().isEmpty()) {
            out.append("  (none)").append(System.lineSeparator());
        }
        for (AlertRow a : snapshot.alerts()) {
            out.append(String.format(Locale.ROOT, "  %s  %-15s %s%n", CLOCK.format(Instant.ofEpochMilli(a.time())),
                    a.kind(), a.message()));
        }
        return out.toString();
    }

    static String sparkline(List<Double> history) {
        return Sparkline.of(history.stream().map(d -> d == null ? Double.NaN : d).toList(), SPARK_WIDTH);
    }

    private static String adapters(List<String> adapters) {
        if (adapters.isEmpty()) {
            return "-";
        }
        String shown = String.join(", ", adapters.subList(0, Math.min(ADAPTERS_SHOWN, adapters.size())));
        return adapters.size() > ADAPTERS_SHOWN ? shown + " (+" + (adapters.size() - ADAPTERS_SHOWN) + ")" : shown;
    }

    private static String number(Double value, String format) {
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }

    private static String ago(long ms) {
        long s = Math.max(0, ms) / 1000;
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
    }

    private static String clip(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "~";
    }
}
