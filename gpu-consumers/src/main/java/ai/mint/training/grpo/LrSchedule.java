package ai.mint.training.grpo;

import java.util.Locale;

/**
 * The learning rate as a function of the optimizer step (counted from 0): constant, linear warm-up then constant, or
 * linear warm-up then cosine decay to {@code minRatio} of the peak at {@code totalSteps}.
 */
public record LrSchedule(Kind kind, int warmupSteps, int totalSteps, double minRatio) {

    /** The shape of the schedule. */
    public enum Kind { CONSTANT, LINEAR_WARMUP, COSINE }

    public static final LrSchedule CONSTANT = new LrSchedule(Kind.CONSTANT, 0, 0, 1.0);

    public LrSchedule {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (kind == Kind.COSINE && totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("cosine schedule needs totalSteps > warmupSteps, got "
                    + totalSteps + " <= " + warmupSteps);
        }
        if (!(minRatio >= 0 && minRatio <= 1)) {
            throw new IllegalArgumentException("minRatio must be in [0, 1], got " + minRatio);
        }
    }

    public static LrSchedule linearWarmup(int warmupSteps) {
        return new LrSchedule(Kind.LINEAR_WARMUP, warmupSteps, 0, 1.0);
    }

    public static LrSchedule cosine(int warmupSteps, int totalSteps, double minRatio) {
        return new LrSchedule(Kind.COSINE, warmupSteps, totalSteps, minRatio);
    }

    /** Parses {@code constant}, {@code linear_warmup:W} or {@code cosine:W:T[:MIN]}. */
    public static LrSchedule parse(String text) {
        String[] p = text.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            return switch (p[0]) {
                case "constant" -> CONSTANT;
                case "linear_warmup" -> linearWarmup(Integer.parseInt(p[1]));
                case "cosine" -> cosine(Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                        p.length > 3 ? Double.parseDouble(p[3]) : 0.0);
                default -> throw new IllegalArgumentException("unknown kind '" + p[0] + "'");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("lr schedule '" + text + "' does not parse (" + e.getMessage()
                    + "); expected constant, linear_warmup:WARMUP or cosine:WARMUP:TOTAL[:MIN_RATIO]", e);
        }
    }

    /** Multiplier of the peak learning rate at optimizer step {@code step} (0-based). */
    public double factor(long step) {
        if (kind != Kind.CONSTANT && step < warmupSteps) {
            return (step + 1) / (double) warmupSteps;
        }
        if (kind != Kind.COSINE) {
            return 1.0;
        }
        double progress = Math.min(1.0, (step - warmupSteps) / (double) (totalSteps - warmupSteps));
        return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    public double learningRate(double peak, long step) {
        return peak * factor(step);
    }
}
