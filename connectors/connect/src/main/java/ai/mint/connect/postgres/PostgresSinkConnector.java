package ai.mint.connect.postgres;

import ai.mint.connect.PluginVersion;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Sink of platform events into PostgreSQL: {@code mint.inference.responses} into {@code inference_responses},
 * {@code mint.metrics} into {@code metrics}, {@code mint.catalog} into {@code catalog} (see {@link SinkTables}),
 * upserted so that a Connect restart writes each row once. Its records come through
 * {@link ai.mint.connect.converter.MintAvroConverter} (the connector's {@code value.converter}).
 */
public class PostgresSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new PostgresSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return PostgresSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return new ArrayList<>(Collections.nCopies(maxTasks, props));
    }

    @Override
    public void stop() {
        // nothing held: the tasks own their database connections
    }

    @Override
    public ConfigDef config() {
        return PostgresSinkConfig.DEFINITION;
    }

    /** Also refuses topics the sink has no table for, naming the ones it has. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        String topics = connectorConfigs.getOrDefault("topics", "");
        List<String> unknown = Arrays.stream(topics.split(",")).map(String::trim)
                .filter(t -> !t.isEmpty() && SinkTables.forTopic(t).isEmpty()).toList();
        if (!unknown.isEmpty() || connectorConfigs.containsKey("topics.regex")) {
            String error = unknown.isEmpty() ? "name the topics with 'topics' (not topics.regex): the sink needs each"
                    + " topic's table" : "no table for topic(s) " + unknown + "; the sink writes "
                    + SinkTables.BY_TOPIC.keySet();
            config.configValues().add(new ConfigValue("topics", topics, List.of(), List.of(error)));
        }
        return config;
    }

    @Override
    public String version() {
        return PluginVersion.VERSION;
    }
}
