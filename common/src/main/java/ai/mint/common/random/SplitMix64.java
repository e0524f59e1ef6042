package ai.mint.common.random;

/**
 * The project's one seeded random generator (SplitMix64): its whole state is one long, so a trainer can save it with
 * its checkpoint and a restarted trainer draws exactly the numbers it would have drawn; and its output function
 * spreads consecutive seeds over the whole 64-bit range, which {@code java.util.Random} does not (its first draws for
 * seeds {@code s} and {@code s + 1} are nearly equal). Not thread-safe: one generator per owner.
 */
public final class SplitMix64 {

    /** The increment of the state per draw (the golden ratio's 64-bit fraction). */
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The state to save; a generator made with {@link #setState} of it continues the same sequence. */
    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        state += GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /**
     * The {@code index}-th draw (from 0) of a generator seeded with {@code seed}, without making one: a seed per
     * element of a group ({@code seed, 0}, {@code seed, 1}, ...) whose values are independent of each other.
     */
    public static long draw(long seed, long index) {
        return mix(seed + (index + 1) * GAMMA);
    }

    /** SplitMix64's output function: a bijection of the 64-bit values that spreads nearby inputs far apart. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
