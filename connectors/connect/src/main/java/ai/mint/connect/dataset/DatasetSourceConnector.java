package ai.mint.connect.dataset;

import ai.mint.connect.FileSourceConnector;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;

import java.util.Map;

/**
 * Reads datasets from a directory of JSONL files into {@code mint.datasets}: prompts with reference answers, SFT
 * pairs or preference pairs ({@link DatasetSourceConfig#KIND}). Every line is checked against its kind's fields; a
 * line that does not fit goes to {@code mint.deadletter} with its file and line. Source offsets (byte position per
 * file) make a restarted connector go on where it was: files already read are not read again. With several tasks,
 * the files are split among them by path.
 */
public class DatasetSourceConnector extends FileSourceConnector {

    @Override
    protected void check(Map<String, String> props) {
        new DatasetSourceConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return DatasetSourceTask.class;
    }

    @Override
    public ConfigDef config() {
        return DatasetSourceConfig.DEFINITION;
    }

    /** Lines are re-read from the last committed position; their derived event ids let consumers drop repeats. */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }
}
