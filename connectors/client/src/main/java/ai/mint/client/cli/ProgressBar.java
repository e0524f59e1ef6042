package ai.mint.client.cli;

import ai.mint.client.bulk.PolicyImporter;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar for long imports on stderr: redrawn in place about four times a second on a terminal, one line every
 * 10 seconds otherwise (logs, pipes). Shows the share of the input read, lines, acknowledged specs and their rate.
 */
final class ProgressBar implements PolicyImporter.Progress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final long totalChars;
    private final boolean terminal;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long lastDrawn;
    private boolean drawn;

    /** @param totalChars size of the input (0 when unknown, e.g. stdin) */
    ProgressBar(PrintStream out, long totalChars, boolean terminal) {
        this.out = out;
        this.totalChars = totalChars;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 250_000_000L : 10_000_000_000L;
        this.lastDrawn = start;
    }

    @Override
    public void update(long lines, long charsRead, long sent) {
        long now = System.nanoTime();
        if (now - lastDrawn < intervalNanos) {
            return;
        }
        lastDrawn = now;
        draw(lines, charsRead, sent, now);
    }

    /** Draws the final state and ends the line. */
    void finish(long lines, long charsRead, long sent) {
        draw(lines, charsRead, sent, System.nanoTime());
        if (terminal && drawn) {
            out.println();
        }
    }

    private void draw(long lines, long charsRead, long sent, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double share = totalChars > 0 ? Math.min(1.0, (double) charsRead / totalChars) : 0;
        int filled = (int) Math.round(share * WIDTH);
        String bar = totalChars > 0 ? "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%3.0f%% ", share * 100) : "";
        String line = String.format(Locale.ROOT, "%s%,d lines, %,d sent, %,.0f/s, %.0f s", bar, lines, sent,
                sent / seconds, seconds);
        out.print(terminal ? "\r" + line : line + System.lineSeparator());
        out.flush();
        drawn = true;
    }
}
