package ai.mint.it;

import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import ai.mint.platform.TopicStatus.Outcome;
import ai.mint.registry.SchemaRegistryClients;
import ai.mint.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Pointed at an existing cluster and registry, the platform starts nothing, only checks topics, and stops nothing. */
@ExtendWith(SharedPlatform.class)
class ExternalPlatformIT {

    @Test
    void shouldUseTheConfiguredClusterAndRegistryWithoutStartingOrStoppingAnything(EmbeddedPlatform running,
                                                                                   @TempDir Path dir)
            throws Exception {
        PlatformOptions options = PlatformOptions.embedded(dir.resolve("unused"))
                .withExternal(running.bootstrapServers(), running.schemaRegistryUrl());

        try (EmbeddedPlatform external = EmbeddedPlatform.start(options)) {
            assertThat(external.embeddedKafka()).isEmpty();
            assertThat(external.registryProcess()).isEmpty();
            assertThat(external.connection()).isEqualTo(running.connection());
            assertThat(external.provisioning().withOutcome(Outcome.OK)).hasSize(Topics.ALL.size());
        }

        assertThat(Files.exists(dir.resolve("unused"))).as("no data directory for parts it did not start").isFalse();
        assertThat(running.registryProcess().orElseThrow().processHandle().isAlive()).isTrue();
        assertThat(SchemaRegistryClients.fromUrl(running.schemaRegistryUrl()).subjects()).isNotNull();
    }
}
