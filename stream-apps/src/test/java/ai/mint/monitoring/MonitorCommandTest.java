package ai.mint.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.ConnectionOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MonitorCommandTest {

    private static final Map<String, String> ENV = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:9092",
            ConnectionOptions.ENV_REGISTRY, "http://env/apis/ccompat/v7");

    @TempDir
    Path dir;

    private MonitorConfig config(String... args) {
        MonitorCommand command = new MonitorCommand();
        String[] withFile = new String[args.length + 2];
        withFile[0] = "--connection-file";
        withFile[1] = dir.resolve("absent").toString();
        System.arraycopy(args, 0, withFile, 2, args.length);
        new CommandLine(command).parseArgs(withFile);
        return command.config(ENV);
    }

    @Test
    void shouldPassItsWindowAndAlertSettingsToTheProcessorsThroughTheStreamsConfig() {
        MonitorConfig config = config("--set", "window.size.ms=5000", "--set", "alert.reward.below=0.25",
                "--set", "alert.error.rate.above=", "--port", "0", "--application-id", "mon-2");
        Properties streams = MonitorApp.streamsConfig(config);

        assertThat(streams).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "mon-2")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        @SuppressWarnings({"unchecked", "rawtypes"})
        WindowSettings read = WindowSettings.from((Map) streams);
        assertThat(read).isEqualTo(config.windows);
        assertThat(read.sizeMs()).isEqualTo(5000);
        assertThat(read.graceMs()).isEqualTo(MonitorConfig.WINDOW_GRACE_DEFAULT_MS);
        assertThat(read.thresholds()).isEqualTo(new AlertThresholds(0.25, 5000.0, null));
        assertThat(config.httpPort).isZero();
        assertThat(WindowSettings.defaults().thresholds()).isEqualTo(new AlertThresholds(null, 5000.0, 0.5));
    }

    @Test
    void shouldRefuseAThresholdThatIsNoNumber() {
        assertThatThrownBy(() -> config("--set", "alert.latency.p99.above.ms=fast"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alert.latency.p99.above.ms")
                .hasMessageContaining("finite number");
    }
}
