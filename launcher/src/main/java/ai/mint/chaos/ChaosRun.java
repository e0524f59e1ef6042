package ai.mint.chaos;

import ai.mint.client.MintClient;
import ai.mint.common.bench.BenchReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The fault suite: for each fault of a {@link ChaosPlan}, fresh loads (probe events, inference requests, a training
 * policy) run on the {@link ChaosPlatform}, the fault is injected and healed, the loads drain, and what they saw is
 * counted into one {@link ScenarioResult}. {@link #report} turns the results into the chaos table and
 * {@code chaos.json}.
 */
public final class ChaosRun {

    private final ChaosPlatform platform;
    private final ChaosPlan plan;
    private final Consumer<String> progress;

    public ChaosRun(ChaosPlatform platform, ChaosPlan plan, Consumer<String> progress) {
        this.platform = platform;
        this.plan = plan;
        this.progress = progress;
    }

    /** Runs every fault of the plan in order. */
    public List<ScenarioResult> runAll() throws Exception {
        List<ScenarioResult> results = new ArrayList<>();
        try (MintClient client = new MintClient(platform.connection(), plan.recoveryTimeout())) {
            for (Fault fault : plan.faults()) {
                results.add(run(client, fault));
            }
        }
        return results;
    }

    private ScenarioResult run(MintClient client, Fault fault) throws Exception {
        String tag = fault.name().toLowerCase(Locale.ROOT).replace('_', '-');
        progress.accept("scenario " + tag + ": " + fault.description() + " ...");
        ProbeLoad probe = ProbeLoad.start(platform.connection(), platform.runId() + "-" + tag, plan.probeIntervalMs());
        InferenceLoad inference = new InferenceLoad(client, platform.servedPolicies(), plan.inferenceIntervalMs());
        try {
            TrainingCheck training = TrainingCheck.start(client, platform.connection(),
                    "chaos-" + platform.runId() + "-" + tag, plan.trainingSteps());
            Fault.Loads loads = new Fault.Loads(probe, inference, training);
            // the fault must hit work in hand: events flowing, answers coming, a step trained
            Fault.await("load before the fault", plan.recoveryTimeout(), () -> probe.acked() >= 50
                    && inference.answered() >= 3 && training.stepsApplied() >= 1);
            Thread.sleep(plan.loadBeforeFault().toMillis());
            double recovery = fault.inject(platform, loads, plan);
            progress.accept(String.format(Locale.ROOT, "  recovered in %.1f s; waiting for the training policy and"
                    + " the last answers ...", recovery));
            Fault.await("the training policy's last step", plan.recoveryTimeout(), () -> training.verdict().complete());
            probe.stop();
            inference.stop(Duration.ofSeconds(60));
            ScenarioResult result = ScenarioResult.of(fault, probe.verify(), inference.counts(), training.verdict(),
                    recovery);
            progress.accept("  " + result.summary());
            return result;
        } finally {
            inference.close();
            probe.close();
        }
    }

    /** The chaos table, printed and written to {@code dir/chaos.json}. */
    public static Path report(List<ScenarioResult> results, PrintStream out, Path dir) {
        BenchReport report = new BenchReport("chaos", "faults on a 3-broker KRaft cluster of separate processes "
                + "(replication 3, min.insync.replicas 2, acks=all idempotent producers) under training + inference")
                .columns("scenario", "produced", "consumed", "lost", "duplicated", "accepted", "answered",
                        "dup delivered", "steps", "twice", "chain", "recovery s");
        for (ScenarioResult r : results) {
            report.row(r.fault().description(), r.produced(), r.consumed(), r.lost(), r.duplicated(), r.accepted(),
                    r.answered(), r.duplicatesDelivered(), r.steps() + "/" + r.stepsWanted(), r.stepsTwice(),
                    r.chainContinuous() ? "continuous" : "BROKEN",
                    String.format(Locale.ROOT, "%.1f", r.recoverySeconds()));
        }
        boolean clean = results.stream().allMatch(ScenarioResult::clean);
        report.figure("goal_met", clean)
                .figure("second_answers_dropped_by_client", results.stream()
                        .mapToLong(ScenarioResult::secondAnswersDropped).sum())
                .note("produced/consumed: probe events by id (acks=all, idempotent); accepted/answered: inference "
                        + "requests by request id as the client saw them; steps: update results per policy")
                .note("goal: 0 lost, 0 duplicated, 0 duplicate answers delivered, 0 steps twice, continuous chain");
        return report.publish(out, dir);
    }
}
