package ai.mint.engine.pretrain;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for long runs: steps done, loss, tokens per second and the time left. On a terminal it
 * redraws one line in place (at most twice a second); elsewhere (logs, CI) it prints a new line every 10 seconds.
 */
final class ProgressBar {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final long total;
    private final boolean inPlace;
    private final long intervalNanos;
    private long lastPrint;

    ProgressBar(PrintStream out, long total, boolean inPlace) {
        this.out = out;
        this.total = total;
        this.inPlace = inPlace;
        this.intervalNanos = inPlace ? 500_000_000L : 10_000_000_000L;
        this.lastPrint = System.nanoTime();
    }

    /** Shows progress if enough time passed since the last line (always when {@code force}). */
    void update(long done, String figures, double secondsLeft, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastPrint < intervalNanos) {
            return;
        }
        lastPrint = now;
        int filled = (int) Math.round(WIDTH * (double) done / total);
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d  %s  eta %s", "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, figures, clock(secondsLeft));
        if (inPlace) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the in-place line so that what follows starts on a new one. */
    void finish() {
        if (inPlace) {
            out.println();
        }
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
