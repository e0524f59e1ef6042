package ai.mint.common.config;

import ai.mint.common.connection.ConnectionConfig;
import ai.mint.common.connection.PlatformConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/**
 * Prints a service's settings as {@code --list-settings} shows them: one block per setting, in definition order, with
 * its default, type, valid values and doc; then the {@code kafka.*} pass-through where the service connects.
 */
public final class SettingsPrinter {

    private static final String INDENT = "    ";
    private static final int WIDTH = 112;

    private SettingsPrinter() {
    }

    public static void print(ConfigDef definition, PrintWriter out) {
        for (ConfigKey key : definition.configKeys().values()) {
            out.println(key.name + " = " + defaultOf(key) + "  (" + describe(key) + ")");
            wrap(key.documentation, out);
        }
        if (definition.names().contains(PlatformConnection.BOOTSTRAP_SERVERS)) {
            out.println(PlatformConnection.KAFKA_PREFIX + "*  (string, any number)");
            wrap(ConnectionConfig.KAFKA_PREFIX_DOC, out);
        }
    }

    /** The same listing as text (tests, docs). */
    public static String toText(ConfigDef definition) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            print(definition, out);
        }
        return text.toString();
    }

    private static String defaultOf(ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        if (key.defaultValue == null) {
            return "(none)";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "[hidden]";
        }
        if (key.defaultValue instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(key.defaultValue);
    }

    private static String describe(ConfigKey key) {
        String type = key.type.name().toLowerCase(Locale.ROOT);
        String valid = key.validator == null ? "" : ", " + key.validator;
        return type + valid + ", " + key.importance.name().toLowerCase(Locale.ROOT) + " importance";
    }

    private static void wrap(String doc, PrintWriter out) {
        StringBuilder line = new StringBuilder(INDENT);
        for (String word : (doc == null ? "" : doc).split("\\s+")) {
            if (line.length() > INDENT.length() && line.length() + 1 + word.length() > WIDTH) {
                out.println(line);
                line = new StringBuilder(INDENT);
            }
            line.append(line.length() > INDENT.length() ? " " : "").append(word);
        }
        out.println(line);
    }
}
