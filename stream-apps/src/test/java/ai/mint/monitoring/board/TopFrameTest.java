package ai.mint.monitoring.board;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.common.cli.Sparkline;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopFrameTest {

    private static final long NOW = 1_700_000_030_000L; // 22:13:50 UTC

    private static PolicyRow policy(String id, double rps, Double p99, Double reward, List<Double> history) {
        return new PolicyRow(id, NOW - 15_000, NOW - 5_000, (long) (rps * 10), 1, rps, 0.1, 40.0, p99, 120, 55.5,
                reward, 8, 2, Map.of("UNDESERIALIZABLE", 2L), 0, history);
    }

    @Test
    void shouldDrawWorkersPoliciesWithTheirRewardSparklineAndAlerts() {
        List<Double> history = Arrays.asList(0.2, null, 0.5, 0.9);
        MonitorSnapshot snapshot = new MonitorSnapshot(
                List.of(policy("alpha", 4.0, 480.0, 0.9, history), policy("beta", 0.5, null, null, List.of())),
                List.of(new WorkerRow("worker-0", "run-1", "cpu", List.of("alpha@r1:DEVICE", "beta@r2:CPU",
                        "gamma@r1:DEVICE", "delta@r4:CPU"), 3, 64, 0.42, NOW - 2_000, false, NOW - 5_000, 25, 2.5,
                        0.04, 61.0, 950.0, 37.5), new WorkerRow("worker-1", "run-7", "cpu", List.of(), 0, 0, 0,
                        NOW - 1_000, false, 0, 0, 0, 0, null, null, 0)),
                List.of(new AlertRow("a1", NOW - 4_000, "alpha", null, "LATENCY_HIGH", 480, 300,
                        "alert.latency.p99.above.ms", NOW - 15_000, NOW - 5_000,
                        "policy alpha: latency p99 480 ms above 300 ms")));

        String frame = TopFrame.render(snapshot, NOW);
        List<String> lines = frame.lines().toList();

        assertThat(lines.get(0)).startsWith("mint top   22:13:50 UTC   2 workers, 2 policies shown, 1 alerts");
        assertThat(line(lines, "worker ")).containsSubsequence("queue", "load", "seen", "req/s", "err%", "p50 ms",
                "p99 ms", "tok/s", "resident adapters");
        assertThat(line(lines, "worker-0")).containsSubsequence("3/64", "42%", "2s", "2.50", "4.0%", "61", "950",
                "37.5", "alpha@r1:DEVICE, beta@r2:CPU, gamma@r1:DEVICE (+1)");
        // before its first window closed a worker shows no figures rather than zeros
        assertThat(line(lines, "worker-1").replaceAll(" +", " ")).contains("0 0% 1s - - - - - -");
        String alpha = line(lines, "alpha ");
        assertThat(alpha).containsSubsequence("4.00", "10.0%", "40", "480", "55.5", "0.900",
                Sparkline.of(Arrays.asList(0.2, Double.NaN, 0.5, 0.9)), "ended 5s ago");
        assertThat(Sparkline.of(Arrays.asList(0.2, Double.NaN, 0.5, 0.9))).isEqualTo("▁ ▄█");
        assertThat(line(lines, "beta ")).containsSubsequence("0.50", "-", "-"); // no p99, no reward
        assertThat(line(lines, "LATENCY_HIGH")).contains("22:13:46", "policy alpha: latency p99 480 ms above 300 ms");
        // policies in the snapshot's order (the board's: busiest first)
        assertThat(lines.indexOf(alpha)).isLessThan(lines.indexOf(line(lines, "beta ")));
        assertThat(frame).doesNotContain("\u001b");
        assertThat(TopFrame.redraw(frame)).isEqualTo("\u001b[H\u001b[2J" + frame);
    }

    @Test
    void shouldSayWhatIsMissingOnAnEmptyPlatform() {
        String frame = TopFrame.render(new MonitorSnapshot(List.of(), List.of(), List.of()), NOW);
        assertThat(frame).contains("(no worker seen yet)", "(no window closed yet)", "(none)");
    }

    private static String line(List<String> lines, String containing) {
        return lines.stream().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in " + lines));
    }
}
