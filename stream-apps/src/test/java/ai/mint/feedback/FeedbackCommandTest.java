package ai.mint.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.common.connection.ConnectionOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FeedbackCommandTest {

    private static final Map<String, String> ENV = Map.of(ConnectionOptions.ENV_BOOTSTRAP, "env:9092",
            ConnectionOptions.ENV_REGISTRY, "http://env/apis/ccompat/v7");

    @TempDir
    Path dir;

    private FeedbackCommand parse(String... args) {
        FeedbackCommand command = new FeedbackCommand();
        String[] withFile = new String[args.length + 2];
        withFile[0] = "--connection-file";
        withFile[1] = dir.resolve("absent").toString();
        System.arraycopy(args, 0, withFile, 2, args.length);
        new CommandLine(command).parseArgs(withFile);
        return command;
    }

    @Test
    void shouldTakeItsWindowAndGraceFromTheSettingsAndRunExactlyOnce() {
        FeedbackConfig config = parse("--set", "feedback.window.ms=120000", "--set", "feedback.grace.ms=2500",
                "--application-id", "feedback-2").config(ENV);
        Properties streams = FeedbackJoinApp.streamsConfig(config);

        assertThat(config.window()).isEqualTo(new FeedbackWindow(120_000, 2_500, 1_000));
        assertThat(config.window().retentionMs()).isEqualTo(240_000);
        assertThat(streams).containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "env:9092")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "feedback-2")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), 5_000);
    }

    @Test
    void shouldRefuseAnUnknownSettingAndAWindowOfZero() {
        assertThatThrownBy(() -> parse("--set", "feedback.windw.ms=5").config(ENV))
                .isInstanceOf(ConfigException.class).hasMessageContaining("feedback.windw.ms");
        assertThatThrownBy(() -> parse("--set", "feedback.window.ms=0").config(ENV))
                .isInstanceOf(ConfigException.class).hasMessageContaining("feedback.window.ms");
    }
}
