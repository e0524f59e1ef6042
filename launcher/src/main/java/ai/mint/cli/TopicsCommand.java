package ai.mint.cli;

import ai.mint.common.connection.ConnectionOptions;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.platform.ProvisionReport;
import ai.mint.platform.TopicProvisioner;
import ai.mint.platform.TopicStatus;
import ai.mint.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code mint topics}: creates missing topics, checks the others against {@link Topics}, prints a table. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = {"Create every platform topic that is missing and check the existing ones against the "
                + "definition (partitions, replication, cleanup.policy, retention.ms); print a table.",
                "Exits 1 when a topic differs: cleanup policy, retention and replication are never changed silently."})
public final class TopicsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--grow-partitions",
            description = "add partitions to topics that have fewer than defined (moves keys to new partitions)")
    boolean growPartitions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ProvisionReport report;
        try (Admin admin = KafkaClients.of(connection.resolveKafkaOnly()).admin("mint-topics")) {
            report = new TopicProvisioner(admin, Duration.ofSeconds(20)).provision(Topics.ALL, growPartitions);
        }
        out.print(report.toTable());
        out.flush();
        if (report.hasDrift()) {
            throw new CliException(report.withOutcome(TopicStatus.Outcome.DRIFT).size()
                    + " topic(s) differ from their definition (see DETAIL); recreate them or fix their configs"
                    + " (fewer partitions than defined: --grow-partitions)", ExitCodes.FAILED);
        }
        return ExitCodes.OK;
    }
}
