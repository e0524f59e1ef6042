package ai.mint.common.config;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.io.PropertiesFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The settings options every service command shares ({@code @Mixin SettingsOptions}): {@code --config FILE} (a
 * properties file), {@code --set KEY=VALUE} (repeatable) and {@code --list-settings}. Values are collected in that
 * order, later winning, with the command's dedicated options (e.g. {@code --http-port}) last. A key the service does
 * not define is refused, naming it, so that a typo does not silently leave a default in place; connection keys are
 * refused too, since they have one way in ({@link ai.mint.common.connection.ConnectionOptions}).
 */
public final class SettingsOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file of settings (see --list-settings)")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "one setting, e.g. --set commit.interval.ms=200 "
            + "(repeatable; wins over --config)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--list-settings", description = "print every setting with its type, default and doc, then exit")
    boolean listSettings;

    /** Whether the user asked only for the list of settings. */
    public boolean listRequested() {
        return listSettings;
    }

    /** Prints the definition to the command's standard output. */
    public void list(ConfigDef definition) {
        PrintWriter out = command == null ? new PrintWriter(System.out, true) : command.commandLine().getOut();
        SettingsPrinter.print(definition, out);
        out.flush();
    }

    /**
     * The settings to build the service's config from: the {@code --config} file, then {@code --set}, then the
     * non-null {@code dedicated} values.
     *
     * @throws ConfigException naming an unknown key, a connection key, or an unreadable file
     */
    public Map<String, Object> collect(ConfigDef definition, Map<String, ?> dedicated) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (configFile != null) {
            readFile(configFile).forEach((k, v) -> values.put(k, check(definition, k, "--config " + configFile, v)));
        }
        settings.forEach((k, v) -> values.put(k, check(definition, k, "--set", v)));
        dedicated.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
            }
        });
        return values;
    }

    private static Object check(ConfigDef definition, String key, String where, String value) {
        if (ConnectionConfig.isConnectionKey(key)) {
            throw new ConfigException(where + ": " + key + " is a connection setting; give it with --bootstrap-servers"
                    + ", --schema-registry-url, --kafka KEY=VALUE or --kafka-config FILE (or their $MINT_* variables)");
        }
        if (!definition.names().contains(key)) {
            throw new ConfigException(where + ": unknown setting '" + key + "' (--list-settings prints them all)");
        }
        return value.trim();
    }

    private static Map<String, String> readFile(Path file) {
        return PropertiesFiles.read(file, problem -> new ConfigException("--config " + file + ": " + problem));
    }
}
