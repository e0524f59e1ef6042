package ai.mint.common.metrics;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The metrics part of every service's settings: where its Prometheus endpoint listens and how many policies get a
 * label of their own. Services add it to their {@code ConfigDef} and start their {@link ServiceMetrics} from it.
 */
public final class MetricsConfig {

    public static final String HOST = "metrics.host";
    public static final String HOST_DOC = "Address the Prometheus endpoint (GET /metrics) listens on.";
    public static final String HOST_DEFAULT = "127.0.0.1";

    public static final String PORT = "metrics.port";
    public static final String PORT_DOC = "Port of the Prometheus endpoint (GET /metrics): 0 picks a free one (logged "
            + "at start-up), -1 serves none. Give each service a fixed port where Prometheus scrapes it.";
    public static final int PORT_DEFAULT = 0;

    public static final String TOP_POLICIES = "metrics.top.policies";
    public static final String TOP_POLICIES_DOC = "Policies that get a policy label of their own on per-policy meters "
            + "(the busiest ones); the others are counted under policy=\"other\", so the number of series stays "
            + "bounded however many policies there are.";
    public static final int TOP_POLICIES_DEFAULT = 20;

    private MetricsConfig() {
    }

    /** Adds the endpoint and label settings. */
    public static ConfigDef define(ConfigDef definition) {
        return defineLabels(definition)
                .define(HOST, Type.STRING, HOST_DEFAULT, new ConfigDef.NonEmptyString(), Importance.LOW, HOST_DOC)
                .define(PORT, Type.INT, PORT_DEFAULT, Range.between(-1, 65535), Importance.MEDIUM, PORT_DOC);
    }

    /** Adds only the label setting (a service that serves /metrics on a port of its own, like the gateway). */
    public static ConfigDef defineLabels(ConfigDef definition) {
        return definition.define(TOP_POLICIES, Type.INT, TOP_POLICIES_DEFAULT, Range.between(1, 1000),
                Importance.LOW, TOP_POLICIES_DOC);
    }

    /** Starts the metrics of {@code service} as {@code config} says (its endpoint settings must be defined). */
    public static ServiceMetrics start(String service, AbstractConfig config) {
        return ServiceMetrics.start(service, config.getString(HOST), config.getInt(PORT));
    }

    /** The bounded policy labels {@code config} asks for. */
    public static PolicyLabels policyLabels(AbstractConfig config) {
        return new PolicyLabels(config.getInt(TOP_POLICIES));
    }
}
