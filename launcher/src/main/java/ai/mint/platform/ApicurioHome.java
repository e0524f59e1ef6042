package ai.mint.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the Apicurio Registry the embedded platform runs is installed. The build unpacks it to
 * {@code launcher/target/apicurio} and records that path in {@code mint-build.properties}; the system property
 * {@code mint.apicurio.home} or the environment variable {@code MINT_APICURIO_HOME} override it (e.g. in an image).
 */
public final class ApicurioHome {

    /** System property that overrides the unpacked location. */
    public static final String PROPERTY = "mint.apicurio.home";
    /** Environment variable that overrides the unpacked location. */
    public static final String ENV = "MINT_APICURIO_HOME";
    /** The Quarkus runner jar inside the home directory. */
    public static final String RUNNER_JAR = "apicurio-registry-app-3.0.9-runner.jar";

    private ApicurioHome() {
    }

    /** The runner jar, or an error that says where it was looked for and how to get it. */
    public static Path runnerJar() {
        return runnerJar(System.getProperty(PROPERTY), System.getenv(), buildProperties());
    }

    static Path runnerJar(String property, Map<String, String> env, Properties build) {
        String home;
        String source;
        if (property != null && !property.isBlank()) {
            home = property;
            source = "-D" + PROPERTY;
        } else if (env.get(ENV) != null && !env.get(ENV).isBlank()) {
            home = env.get(ENV);
            source = ENV;
        } else {
            home = build.getProperty("apicurio.home");
            source = "mint-build.properties";
        }
        if (home == null || home.isBlank() || home.contains("${")) {
            throw new PlatformException("the Apicurio Registry location is unknown (" + source + " is not set): build "
                    + "the launcher with 'mvn -B -DskipTests install' or set " + ENV);
        }
        Path jar = Path.of(home).resolve(RUNNER_JAR);
        if (!Files.isRegularFile(jar)) {
            throw new PlatformException("Apicurio Registry not found: " + jar + " (from " + source + ") does not exist; "
                    + "build the launcher with 'mvn -B -DskipTests install' or set " + ENV
                    + " to the directory holding " + RUNNER_JAR);
        }
        return jar;
    }

    private static Properties buildProperties() {
        Properties props = new Properties();
        try (InputStream in = ApicurioHome.class.getResourceAsStream("/mint-build.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read mint-build.properties from the launcher jar", e);
        }
        return props;
    }
}
