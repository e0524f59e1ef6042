package ai.mint.common.cli;

/**
 * Marks a picocli {@code @Command} class that {@code mint bench} offers as a benchmark ({@code mint bench NAME}).
 * Listed in {@code META-INF/services/ai.mint.common.cli.MintBenchmark}. A benchmark measures its variants with
 * {@link ai.mint.common.bench.BenchRun} (warm-up, rotated order, at least 5 timed runs, progress every 10 s), prints
 * a table and writes {@code target/bench/NAME.json} through {@link ai.mint.common.bench.BenchReport}; it takes
 * {@code --quick} (about a minute), and its full size finishes within 10 minutes on 2 cores.
 */
public interface MintBenchmark {
}
