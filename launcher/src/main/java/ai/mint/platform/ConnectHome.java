package ai.mint.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the Connect worker's classpath and the project's plugin directory are. The build lays the plugin out in
 * {@code connectors/connect/target/plugin/mint-connect/} and lists the worker's classpath (connect-runtime and what it
 * brings, without the plugin) in {@code connectors/connect-worker/target/classpath.txt}, and records both in
 * {@code mint-build.properties}; {@code MINT_CONNECT_PLUGIN_PATH} / {@code -Dmint.connect.plugin.path} and
 * {@code MINT_CONNECT_CLASSPATH_FILE} / {@code -Dmint.connect.classpath.file} override them (an image).
 *
 * @param pluginPath    the directory given to Connect as {@code plugin.path} (holding {@code mint-connect/})
 * @param workerClasspath the worker JVM's classpath
 */
public record ConnectHome(Path pluginPath, String workerClasspath) {

    public static final String PLUGIN_PATH_PROPERTY = "mint.connect.plugin.path";
    public static final String PLUGIN_PATH_ENV = "MINT_CONNECT_PLUGIN_PATH";
    public static final String CLASSPATH_PROPERTY = "mint.connect.classpath.file";
    public static final String CLASSPATH_ENV = "MINT_CONNECT_CLASSPATH_FILE";

    /** The installed locations, or an error that says where they were looked for and how to build them. */
    public static ConnectHome locate() {
        return locate(System.getProperties(), System.getenv(), buildProperties());
    }

    static ConnectHome locate(Properties system, Map<String, String> env, Properties build) {
        Path plugins = Path.of(pick(system.getProperty(PLUGIN_PATH_PROPERTY), env.get(PLUGIN_PATH_ENV),
                build.getProperty("connect.plugin.path"), "the Connect plugin directory")).normalize();
        Path classpathFile = Path.of(pick(system.getProperty(CLASSPATH_PROPERTY), env.get(CLASSPATH_ENV),
                build.getProperty("connect.worker.classpath"), "the Connect worker classpath")).normalize();
        if (!Files.isDirectory(plugins.resolve("mint-connect"))) {
            throw new PlatformException("the Kafka Connect plugin is not built: " + plugins.resolve("mint-connect")
                    + " does not exist; build with 'mvn -B -DskipTests package' (or set " + PLUGIN_PATH_ENV + ")");
        }
        if (!Files.isRegularFile(classpathFile)) {
            throw new PlatformException("the Connect worker's classpath is not built: " + classpathFile
                    + " does not exist; build with 'mvn -B -DskipTests package' (or set " + CLASSPATH_ENV + ")");
        }
        try {
            return new ConnectHome(plugins, Files.readString(classpathFile).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + classpathFile, e);
        }
    }

    /** The plugin's own directory, the one to copy into another Connect cluster's plugin.path. */
    public Path pluginDirectory() {
        return pluginPath.resolve("mint-connect");
    }

    private static String pick(String property, String env, String build, String what) {
        for (String candidate : new String[] {property, env, build}) {
            if (candidate != null && !candidate.isBlank() && !candidate.contains("${")) {
                return candidate.trim();
            }
        }
        throw new PlatformException("the location of " + what + " is unknown: build the launcher with "
                + "'mvn -B -DskipTests package'");
    }

    private static Properties buildProperties() {
        Properties props = new Properties();
        try (InputStream in = ConnectHome.class.getResourceAsStream("/mint-build.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read mint-build.properties from the launcher jar", e);
        }
        return props;
    }
}
