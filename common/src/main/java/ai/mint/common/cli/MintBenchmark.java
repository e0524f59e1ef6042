package ai.mint.common.cli;

/**
 * Marks a picocli {@code @Command} class that {@code mint bench} offers as a benchmark ({@code mint bench NAME}).
 * Listed in {@code META-INF/services/ai.mint.common.cli.MintBenchmark}. A benchmark prints a table and writes
 * {@code target/bench/NAME.json} through {@link ai.mint.common.bench.BenchReport}; it takes {@code --quick}.
 */
public interface MintBenchmark {
}
