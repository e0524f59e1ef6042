package ai.mint.common.cli;

/**
 * Marks a picocli {@code @Command} class that the {@code mint} command line adds as a top-level subcommand.
 * Modules list their commands in {@code META-INF/services/ai.mint.common.cli.MintSubcommand}, so the launcher finds
 * them with {@link java.util.ServiceLoader} and no module edits another's command list.
 */
public interface MintSubcommand {
}
