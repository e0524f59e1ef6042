package ai.mint.common.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's order, statistics, progress and errors; durations are recorded, never measured, so nothing is timed. */
class BenchRunTest {

    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    @Test
    void shouldAlternateTwoVariantsAndRotateThreeStartingWithTheWarmUps() {
        BenchResult two = BenchRun.of("two").warmUps(1).rounds(3).progressTo(progress::add)
                .variant("A", s -> { }).variant("B", s -> { }).run();
        assertThat(order(two)).isEqualTo("w:AB BA AB BA");

        BenchResult three = BenchRun.of("three").warmUps(0).rounds(4).progressTo(progress::add)
                .variant("A", s -> { }).variant("B", s -> { }).variant("C", s -> { }).run();
        assertThat(order(three)).isEqualTo("ABC BCA CAB ABC");
        assertThat(three.executed()).allMatch(r -> !r.warmUp());
    }

    @Test
    void shouldSummariseOnlyTheTimedRunsInRunOrder() {
        // run i (counting the two warm-ups) records part times 10 * i and a metric i; warm-ups must not count
        double[] work = {900, 900, 5, 1, 3, 2, 4};
        BenchResult r = BenchRun.of("stats").warmUps(2).rounds(5).progressTo(progress::add)
                .variant("parts", s -> {
                    s.recordNanos("merge", (long) (work[s.sequence()] * MS));
                    s.recordNanos("write", 2 * MS);
                    s.recordNanos("write", 1 * MS); // the same part twice in a run adds up
                    s.metric("tokens", s.sequence());
                })
                .variant("half", s -> s.recordNanos("only", (long) (work[s.sequence()] * MS / 2)))
                .run();

        BenchResult.VariantResult parts = r.variant("parts");
        assertThat(parts.part("merge").samples()).containsExactly(5.0, 1.0, 3.0, 2.0, 4.0);
        assertThat(parts.part("merge").median()).isEqualTo(3.0);
        assertThat(parts.part("merge").min()).isEqualTo(1.0);
        assertThat(parts.part("merge").max()).isEqualTo(5.0);
        assertThat(parts.part("merge").runs()).isEqualTo(5);
        assertThat(parts.part("write").samples()).containsOnly(3.0);
        assertThat(parts.total().samples()).containsExactly(8.0, 4.0, 6.0, 5.0, 7.0);
        assertThat(parts.metric("tokens").samples()).containsExactly(2.0, 3.0, 4.0, 5.0, 6.0);
        assertThat(r.ratioOfMedians("parts", "half")).isEqualTo(6.0 / 1.5);
        assertThatThrownBy(() -> parts.part("load")).hasMessageContaining("[merge, write]");
        assertThatThrownBy(() -> r.variant("nope")).hasMessageContaining("[parts, half]");
    }

    @Test
    void shouldTakeTheMeanOfTheMiddleTwoForAnEvenCountAndMapSamplesOneByOne() {
        Stats s = Stats.of("ms", List.of(4.0, 1.0, 3.0, 2.0));
        assertThat(s.median()).isEqualTo(2.5);
        assertThat(s.percentile(50)).isEqualTo(2.0);
        assertThat(s.percentile(100)).isEqualTo(4.0);
        Stats perSecond = s.map("per s", ms -> 1000 / ms);
        assertThat(perSecond.samples()).containsExactly(250.0, 1000.0, 1000.0 / 3, 500.0);
        assertThat(perSecond.min()).isEqualTo(250.0);
        assertThat(perSecond.max()).isEqualTo(1000.0);
    }

    @Test
    void shouldTimeATrialWholeWhenItNamesNoPart() {
        BenchResult r = BenchRun.of("whole").warmUps(0).rounds(2).progressTo(progress::add)
                .variant("sleepless", s -> { }).run();
        assertThat(r.variant("sleepless").parts()).isEmpty();
        assertThat(r.variant("sleepless").total().samples()).hasSize(2).allMatch(ms -> ms >= 0);
    }

    @Test
    void shouldReportProgressWhileARunIsUnderWay() throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        BenchResult r = BenchRun.of("slow").warmUps(0).rounds(1).progressEvery(Duration.ofMillis(5))
                .progressTo(line -> {
                    progress.add(line);
                    if (line.contains("running 'long'")) {
                        seen.countDown();
                    }
                })
                // the run only ends once the ticker has described it while it was running
                .variant("long", s -> assertThat(seen.await(60, TimeUnit.SECONDS)).isTrue())
                .run();
        assertThat(r.variant("long").total().runs()).isEqualTo(1);
        assertThat(progress).anyMatch(l -> l.contains("[slow]") && l.contains("round 1 of 1"));
        assertThat(progress.get(progress.size() - 1)).contains("[slow] done in");
    }

    @Test
    void shouldNameTheVariantAndRoundOfAFailingTrial() {
        BenchRun run = BenchRun.of("broken").warmUps(1).rounds(5).progressTo(progress::add)
                .variant("fine", s -> { })
                .variant("bad", s -> {
                    if (!s.isWarmUp() && s.sequence() == 3) {
                        throw new IllegalArgumentException("no such adapter");
                    }
                });
        assertThatThrownBy(run::run).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken").hasMessageContaining("'bad'").hasMessageContaining("round 3")
                .hasMessageContaining("no such adapter");
    }

    @Test
    void shouldRefuseRunsThatRecordDifferentParts() {
        BenchRun run = BenchRun.of("uneven").warmUps(0).rounds(2).progressTo(progress::add)
                .variant("v", s -> s.recordNanos(s.sequence() == 0 ? "a" : "b", MS));
        assertThatThrownBy(run::run).hasMessageContaining("'a' in 1 of 2");
        assertThatThrownBy(() -> BenchRun.of("x").variant("v", s -> { }).variant("v", s -> { }))
                .hasMessageContaining("twice");
    }

    @Test
    void shouldWriteEveryVariantsStatisticsBesideTheRatio() throws Exception {
        BenchResult r = BenchRun.of("json").warmUps(0).rounds(3).progressTo(progress::add)
                .variant("fast", s -> s.recordNanos("load", (s.sequence() + 1) * MS))
                .variant("slow", s -> {
                    s.recordNanos("merge", 10 * MS);
                    s.recordNanos("load", 20 * MS);
                })
                .run();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        BenchReport report = new BenchReport("json", "a test").variants(r)
                .derived("fast", "per_s", r.variant("fast").total().map("1/s", ms -> 1000 / ms))
                .ratio(r.ratioOfMedians("slow", "fast"), "slow / fast").paperRatio(18.3, "paper");
        Path file = report.publish(new PrintStream(text, true, StandardCharsets.UTF_8), dir);

        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        assertThat(json.path("ratio").asDouble()).isEqualTo(15.0);
        assertThat(json.path("paper_ratio").asDouble()).isEqualTo(18.3);
        JsonNode fast = json.path("variants").path("fast");
        assertThat(fast.path("median").asDouble()).isEqualTo(2.0);
        assertThat(fast.path("min").asDouble()).isEqualTo(1.0);
        assertThat(fast.path("max").asDouble()).isEqualTo(3.0);
        assertThat(fast.path("runs").asInt()).isEqualTo(3);
        assertThat(fast.path("samples").toString()).isEqualTo("[1.0,2.0,3.0]");
        assertThat(fast.path("per_s").path("median").asDouble()).isEqualTo(500.0);
        assertThat(json.path("variants").path("slow").path("parts").path("merge").path("median").asDouble())
                .isEqualTo(10.0);
        assertThat(json.path("runs").get(0).path("rounds").asInt()).isEqualTo(3);
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("variant (timed runs)").contains("  merge");
        assertThatThrownBy(() -> report.variants(r)).hasMessageContaining("'fast'");
    }

    /** The executed order as "w:AB BA ..." (warm-up rounds prefixed with w:). */
    private static String order(BenchResult r) {
        return r.executed().stream().collect(Collectors.groupingBy(BenchResult.Run::round,
                        java.util.TreeMap::new, Collectors.toList()))
                .values().stream()
                .map(runs -> (runs.get(0).warmUp() ? "w:" : "")
                        + runs.stream().map(BenchResult.Run::variant).collect(Collectors.joining()))
                .collect(Collectors.joining(" "));
    }
}
