package ai.mint.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApicurioHomeTest {

    private static Path installAt(Path dir) throws Exception {
        Files.createDirectories(dir);
        return Files.createFile(dir.resolve(ApicurioHome.RUNNER_JAR));
    }

    private static Properties build(String home) {
        Properties p = new Properties();
        p.setProperty("apicurio.home", home);
        return p;
    }

    @Test
    void shouldPreferThePropertyThenTheEnvironmentThenTheBuild(@TempDir Path dir) throws Exception {
        Path byProperty = installAt(dir.resolve("p"));
        Path byEnv = installAt(dir.resolve("e"));
        Path byBuild = installAt(dir.resolve("b"));
        Map<String, String> env = Map.of(ApicurioHome.ENV, byEnv.getParent().toString());
        Properties props = build(byBuild.getParent().toString());

        assertThat(ApicurioHome.runnerJar(byProperty.getParent().toString(), env, props)).isEqualTo(byProperty);
        assertThat(ApicurioHome.runnerJar(null, env, props)).isEqualTo(byEnv);
        assertThat(ApicurioHome.runnerJar(" ", Map.of(), props)).isEqualTo(byBuild);
    }

    @Test
    void shouldNameTheMissingJarAndTheFix(@TempDir Path dir) {
        assertThatThrownBy(() -> ApicurioHome.runnerJar(null, Map.of(), build(dir.toString())))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining(dir.resolve(ApicurioHome.RUNNER_JAR).toString())
                .hasMessageContaining(ApicurioHome.ENV);
        assertThatThrownBy(() -> ApicurioHome.runnerJar(null, Map.of(), build("${project.build.directory}/x")))
                .isInstanceOf(PlatformException.class).hasMessageContaining("unknown");
    }

    @Test
    void shouldFindTheRegistryTheBuildUnpacked() {
        // the launcher's own build unpacks Apicurio before tests run, and filters mint-build.properties
        assertThat(ApicurioHome.runnerJar()).isRegularFile();
    }
}
