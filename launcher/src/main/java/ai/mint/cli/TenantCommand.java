package ai.mint.cli;

import ai.mint.common.connection.ConnectionOptions;
import ai.mint.platform.SecureMode;
import ai.mint.platform.TenantAccess;
import ai.mint.topics.Tenant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code mint tenant add NAME}: makes a tenant on the platform {@code mint up --secure} runs: its SCRAM user, its
 * topics and ACLs, and a client file the tenant passes as {@code --kafka-config}. Runs as the admin (the connection
 * file {@code mint up --secure} wrote) on the machine that holds the data directory.
 */
@Command(name = "tenant", mixinStandardHelpOptions = true,
        description = "Manage the tenants of a secured platform (mint up --secure).",
        subcommands = TenantCommand.Add.class)
public final class TenantCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /** {@code mint tenant add NAME}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Make a tenant: a SCRAM-SHA-512 user named NAME with a new password, its topics "
                    + "(" + Tenant.TOPIC_PREFIX + "NAME.*) and ACLs, and its client file.",
                    "Running it again for the same NAME gives the tenant a new password (the old file stops working)."})
    static final class Add implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "the tenant: lower-case letters, digits, '-'; its policies "
                + "are the ids NAME.*")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${sys:mint.home:-.}/.mint/data",
                description = "the data directory of 'mint up --secure' (default: ${DEFAULT-VALUE}); the tenant's "
                        + "client file goes to DIR/security/tenants/NAME.properties")
        Path dataDir;

        /** The admin's connection: the connection file {@code mint up --secure} wrote, unless given otherwise. */
        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() {
            Optional<String> problem = Tenant.problem(name);
            if (problem.isPresent()) {
                throw new CliException(problem.get(), ExitCodes.USAGE);
            }
            Tenant tenant = new Tenant(name);
            SecureMode secure = SecureMode.open(dataDir.toAbsolutePath().normalize());
            Path file = TenantAccess.addTenant(connection.resolve(), secure, tenant);
            PrintWriter out = spec.commandLine().getOut();
            out.println(file);
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            err.println("tenant " + tenant + " (principal " + tenant.principal() + ") may write "
                    + tenant.topic(Tenant.Kind.POLICY_SPECS) + " and its other request topics, read its answer topics,"
                    + " use consumer groups " + tenant.policyPrefix() + "*; its policies are " + tenant.policyPrefix()
                    + "*. Hand it the file above (owner-only; it holds the password) and the two address lines of "
                    + "'mint up'; it passes --kafka-config FILE or sets $" + ConnectionOptions.ENV_KAFKA_CONFIG + ".");
            err.flush();
            return ExitCodes.OK;
        }
    }
}
