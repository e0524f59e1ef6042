package ai.mint.chaos;

import ai.mint.common.cli.MintSubcommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mint chaos}: the fault suite by hand. Starts the whole platform as separate processes (a 3-broker KRaft
 * cluster, the registry, catalog, orchestrator, scheduler, two workers), injects each fault under load, prints the
 * chaos table and writes {@code target/bench/chaos.json}. Exit code 1 when a scenario missed the goal.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Fault suite on a 3-broker cluster of processes: kill the busiest leader, a worker, the catalog; "
                + "stop the registry; make the adapter store read-only. Prints the table, writes "
                + "target/bench/chaos.json.")
public final class ChaosCommand implements MintSubcommand, Callable<Integer> {

    @Option(names = "--quick", description = "Shorter loads and 10 s outages (about 3 minutes in all).")
    boolean quick;

    @Option(names = "--faults", split = ",", paramLabel = "FAULT",
            description = "Faults to inject, in order (default: all): ${COMPLETION-CANDIDATES}.")
    List<Fault> faults;

    @Option(names = "--keep", description = "Keep the working directory (logs of every process) afterwards.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        List<Fault> chosen = faults == null || faults.isEmpty() ? List.of(Fault.values()) : faults;
        ChaosPlan full = ChaosPlan.full();
        ChaosPlan plan = quick ? ChaosPlan.quick(chosen) : new ChaosPlan(chosen, full.probeIntervalMs(),
                full.inferenceIntervalMs(), full.trainingSteps(), full.loadBeforeFault(), full.outage(),
                full.recoveryTimeout());
        Path dir = Files.createTempDirectory("mint-chaos-");
        System.out.println("mint chaos: working directory " + dir);
        List<ScenarioResult> results;
        try (ChaosPlatform platform = ChaosPlatform.start(dir, 6, System.out::println)) {
            try {
                results = new ChaosRun(platform, plan, System.out::println).runAll();
            } catch (RuntimeException e) {
                System.err.println(platform.logs());
                throw e;
            }
        } finally {
            if (!keep) {
                Fault.deleteTree(dir);
            }
        }
        ChaosRun.report(results, System.out, Path.of("target", "bench"));
        return results.stream().allMatch(ScenarioResult::clean) ? 0 : 1;
    }
}
