package ai.mint.cli;

import ai.mint.common.cli.MintBenchmark;
import ai.mint.common.cli.MintSubcommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The {@code mint} command line. Its own commands run the platform and move events in and out; every module adds
 * more through {@link MintSubcommand} (top level) and {@link MintBenchmark} ({@code mint bench NAME}) service files.
 */
@Command(name = "mint", mixinStandardHelpOptions = true, versionProvider = MintCli.Version.class,
        description = "MinT on Kafka: train and serve many LoRA policies over one resident base model.",
        subcommands = {UpCommand.class, TenantCommand.class, TopicsCommand.class, ProduceCommand.class, ConsumeCommand.class,
                BenchCommand.class, QuickstartCommand.class, SmokeCommand.class, SchemasCommand.class, CommandLine.HelpCommand.class})
public final class MintCli implements Runnable {

    @Spec
    CommandSpec spec;

    private final InputStream stdin;

    public MintCli(InputStream stdin) {
        this.stdin = stdin;
    }

    /** What {@code mint produce} reads; System.in unless a test passes its own. */
    InputStream stdin() {
        return stdin;
    }

    /** Without a subcommand, print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code = commandLine(System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true))
                .execute(args);
        System.exit(code);
    }

    /** The full command tree, with output and input redirected (tests run commands in-process this way). */
    public static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new MintCli(in));
        addDiscovered(cli, MintSubcommand.class, err);
        addDiscovered(cli.getSubcommands().get(BenchCommand.NAME), MintBenchmark.class, err);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new CliErrorHandler());
        return cli;
    }

    /**
     * Adds every command a module lists for {@code marker}. One broken module (a class that cannot be made, a name
     * already taken) costs only its own command, with a warning, not the whole command line.
     */
    private static <T> void addDiscovered(CommandLine parent, Class<T> marker, PrintWriter err) {
        Iterator<T> commands = ServiceLoader.load(marker).iterator();
        while (true) {
            try {
                if (!commands.hasNext()) {
                    return;
                }
                parent.addSubcommand(commands.next());
            } catch (ServiceConfigurationError | CommandLine.InitializationException e) {
                err.println("mint: warning: a command listed in META-INF/services/" + marker.getName()
                        + " was left out: " + e.getMessage());
            }
        }
    }

    static MintCli root(CommandSpec spec) {
        return (MintCli) spec.root().userObject();
    }

    /** The version the build wrote into mint-build.properties. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties props = new Properties();
            try (InputStream in = MintCli.class.getResourceAsStream("/mint-build.properties")) {
                if (in != null) {
                    props.load(in);
                }
            }
            return new String[] {"mint " + props.getProperty("mint.version", "(unknown)")
                    + ", Apicurio Registry " + props.getProperty("apicurio.version", "(unknown)")};
        }
    }
}
