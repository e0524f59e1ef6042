package ai.mint.connect;

import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * What the project's file-reading source connectors share: the settings are checked when the connector starts (a bad
 * one fails the deploy, naming it), every task gets them with its share of the files ({@link TaskShare}), and the
 * tasks hold all the work, so the connector itself has nothing to stop.
 */
public abstract class FileSourceConnector extends SourceConnector {

    private Map<String, String> props;

    /** Parses the settings; throws a ConfigException naming the setting that is wrong. */
    protected abstract void check(Map<String, String> props);

    @Override
    public void start(Map<String, String> props) {
        check(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskShare.configs(props, maxTasks);
    }

    @Override
    public void stop() {
        // the tasks hold the files
    }

    @Override
    public String version() {
        return PluginVersion.VERSION;
    }
}
