package ai.mint.connect.adapters;

import ai.mint.connect.FileSourceConnector;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

/**
 * Imports a directory tree of existing PEFT LoRA adapters (thousands) as policies with one exported revision each:
 * checks each adapter's files against the base model's weight shapes (no model engine involved), copies it into the
 * adapter store with its sha-256, and registers the policy's spec, its revision and export (and, by default, serves
 * it). An adapter that does not fit the base is refused with the reason on the dead-letter topic; the rest go on.
 * Source offsets per adapter make a restarted connector skip what it imported. Several tasks split the tree by path.
 */
public class AdapterImportSourceConnector extends FileSourceConnector {

    @Override
    protected void check(Map<String, String> props) {
        new AdapterImportConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return AdapterImportTask.class;
    }

    @Override
    public ConfigDef config() {
        return AdapterImportConfig.DEFINITION;
    }
}
