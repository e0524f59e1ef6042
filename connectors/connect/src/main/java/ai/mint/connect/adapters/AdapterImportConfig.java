package ai.mint.connect.adapters;

import ai.mint.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings of {@link AdapterImportSourceConnector}. */
public final class AdapterImportConfig extends AbstractConfig {

    public static final String DIR = "adapter.dir";
    private static final String DIR_DOC = "Directory tree of PEFT adapters: every directory below it that holds an "
            + "adapter_config.json is one adapter, imported as one policy.";
    public static final String BASE_DIR = "adapter.base.dir";
    private static final String BASE_DIR_DOC = "The base model's directory (config.json and *.safetensors), the one "
            + "the workers serve: every adapter's factors are checked against its weights' shapes.";
    public static final String BASE_MODEL = "adapter.base.model";
    private static final String BASE_MODEL_DOC = "Base model id the policies name; empty: the base directory's name.";
    public static final String STORE_ROOT = "adapter.store.root";
    private static final String STORE_ROOT_DOC = "Root of the adapter store the workers read (mint://POLICY/sampler/"
            + "NAME lives at ROOT/POLICY/sampler/NAME).";
    public static final String CATALOG_URL = "catalog.url";
    private static final String CATALOG_URL_DOC = "The catalog's query API (one instance answers for all). The catalog "
            + "folds spec, revision, export and serve from four topics; each stage is sent only once the catalog shows "
            + "the one before, since it does not order records across topics.";
    public static final String CATALOG_WAIT_MS = "catalog.wait.ms";
    private static final String CATALOG_WAIT_MS_DOC = "How long a stage may wait for the catalog before the task fails "
            + "(a restarted task resumes where its committed offsets say).";
    public static final String POLICY_PREFIX = "adapter.policy.prefix";
    private static final String POLICY_PREFIX_DOC = "Prefix of the policy ids; the id is the prefix and the adapter's "
            + "path below adapter.dir, with '/' written as '.'.";
    public static final String REVISION = "adapter.revision";
    private static final String REVISION_DOC = "Name of the one revision each imported policy gets.";
    public static final String SERVE = "adapter.serve";
    private static final String SERVE_DOC = "Promote the imported revision to serving (a ServeRequest); false: the "
            + "revision is exported and can be pinned, but nothing serves by default.";
    public static final String REWARD_SPEC = "adapter.reward.spec";
    private static final String REWARD_SPEC_DOC = "reward_spec of the imported policies (scores live responses).";
    public static final String LABELS = "adapter.labels";
    private static final String LABELS_DOC = "Labels of the imported policies, KEY=VALUE separated by commas.";
    public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic of the refused adapters, as DeadLetter events naming "
            + "the directory and the reason.";
    public static final String BATCH = "batch.adapters";
    private static final String BATCH_DOC = "Most adapters registered together, stage by stage (spec, revision, export, "
            + "serve), each stage sent once the catalog shows the one before for all of them.";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    private static final String POLL_INTERVAL_MS_DOC = "How often the tree is scanned for new adapters once every "
            + "adapter found has been imported.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    DIR_DOC)
            .define(BASE_DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, BASE_DIR_DOC)
            .define(STORE_ROOT, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, STORE_ROOT_DOC)
            .define(CATALOG_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, CATALOG_URL_DOC)
            .define(CATALOG_WAIT_MS, Type.LONG, 120_000L, Range.atLeast(1), Importance.LOW, CATALOG_WAIT_MS_DOC)
            .define(BASE_MODEL, Type.STRING, "", Importance.MEDIUM, BASE_MODEL_DOC)
            .define(POLICY_PREFIX, Type.STRING, "", Importance.MEDIUM, POLICY_PREFIX_DOC)
            .define(REVISION, Type.STRING, "imported", new ConfigDef.NonEmptyString(), Importance.LOW, REVISION_DOC)
            .define(SERVE, Type.BOOLEAN, true, Importance.MEDIUM, SERVE_DOC)
            .define(REWARD_SPEC, Type.STRING, "{\"type\":\"valid_json\"}", Importance.LOW, REWARD_SPEC_DOC)
            .define(LABELS, Type.LIST, "", Importance.LOW, LABELS_DOC)
            .define(DEAD_LETTER_TOPIC, Type.STRING, Topics.DEAD_LETTER.name(), Importance.LOW, DEAD_LETTER_TOPIC_DOC)
            .define(BATCH, Type.INT, 200, Range.between(1, 10_000), Importance.LOW, BATCH_DOC)
            .define(POLL_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(10), Importance.LOW, POLL_INTERVAL_MS_DOC);

    public final Path dir;
    public final Path baseDir;
    public final String baseModel;
    public final Path storeRoot;
    public final String catalogUrl;
    public final long catalogWaitMs;
    public final String policyPrefix;
    public final String revision;
    public final boolean serve;
    public final String rewardSpec;
    public final Map<String, String> labels;
    public final String deadLetterTopic;
    public final int batch;
    public final long pollIntervalMs;

    public AdapterImportConfig(Map<String, ?> props) {
        super(DEFINITION, props);
        this.dir = Path.of(getString(DIR)).toAbsolutePath().normalize();
        this.baseDir = Path.of(getString(BASE_DIR)).toAbsolutePath().normalize();
        String given = getString(BASE_MODEL);
        this.baseModel = given.isBlank() ? String.valueOf(baseDir.getFileName()) : given;
        this.storeRoot = Path.of(getString(STORE_ROOT)).toAbsolutePath().normalize();
        this.catalogUrl = getString(CATALOG_URL);
        this.catalogWaitMs = getLong(CATALOG_WAIT_MS);
        this.policyPrefix = getString(POLICY_PREFIX);
        this.revision = getString(REVISION);
        this.serve = getBoolean(SERVE);
        this.rewardSpec = getString(REWARD_SPEC);
        this.labels = labels(getList(LABELS));
        this.deadLetterTopic = getString(DEAD_LETTER_TOPIC);
        this.batch = getInt(BATCH);
        this.pollIntervalMs = getLong(POLL_INTERVAL_MS);
    }

    private static Map<String, String> labels(java.util.List<String> pairs) {
        Map<String, String> labels = new java.util.TreeMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new org.apache.kafka.common.config.ConfigException(LABELS, pair, "expected KEY=VALUE");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return Map.copyOf(labels);
    }
}
