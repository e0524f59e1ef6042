package ai.mint.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.chaos.ChaosPlan;
import ai.mint.chaos.ChaosPlatform;
import ai.mint.chaos.ChaosRun;
import ai.mint.chaos.Fault;
import ai.mint.chaos.ScenarioResult;
import ai.mint.it.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault suite, reduced to fit the build: the whole platform as separate processes (a 3-broker KRaft cluster, the
 * registry, catalog, orchestrator, scheduler and two workers) under probe events, inference and training, with three
 * faults one after another: SIGKILL of the busiest partition's leader broker (and its restart), SIGKILL of a worker
 * mid-batch, SIGKILL of the catalog and a restart from its state directory. In every scenario each acknowledged event
 * is read back once, each accepted request is answered once as the client sees it, and each training step is applied
 * once in a continuous parent chain. {@code mint chaos} runs all six faults with longer loads.
 */
class ChaosIT {

    @Test
    void shouldLoseNothingRepeatNothingAndKeepTheParentChainThroughLeaderWorkerAndCatalogCrashes() throws Exception {
        Path dir = Files.createTempDirectory("mint-chaos-it-");
        ChaosPlatform platform = null;
        try {
            platform = ChaosPlatform.start(dir, 6, System.out::println);
            List<ScenarioResult> results = new ChaosRun(platform, ChaosPlan.quick(List.of(Fault.LEADER_KILL,
                    Fault.WORKER_KILL, Fault.CATALOG_RESTART)), System.out::println).runAll();
            ChaosRun.report(results, System.out, Path.of("target", "bench"));

            assertThat(results).hasSize(3).allSatisfy(r -> {
                assertThat(r.produced()).as("%s: events produced", r.fault()).isPositive();
                assertThat(r.lost()).as("%s: events lost", r.fault()).isZero();
                assertThat(r.duplicated()).as("%s: events duplicated", r.fault()).isZero();
                assertThat(r.consumed()).as("%s: events consumed", r.fault()).isEqualTo(r.produced());
                assertThat(r.accepted()).as("%s: requests accepted", r.fault()).isPositive();
                assertThat(r.answered()).as("%s: requests answered", r.fault()).isEqualTo(r.accepted());
                assertThat(r.duplicatesDelivered()).as("%s: answers delivered twice", r.fault()).isZero();
                assertThat(r.steps()).as("%s: steps applied", r.fault()).isEqualTo(r.stepsWanted());
                assertThat(r.stepsTwice()).as("%s: steps applied twice", r.fault()).isZero();
                assertThat(r.chainContinuous()).as("%s: parent chain continuous", r.fault()).isTrue();
            });
        } catch (AssertionError | RuntimeException e) {
            if (platform != null) {
                System.err.println(platform.logs());
            }
            throw e;
        } finally {
            if (platform != null) {
                platform.close();
            }
            TestFiles.deleteTree(dir);
        }
    }
}
