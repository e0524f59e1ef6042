package ai.mint.connect.dataset;

import ai.mint.topics.Topics;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Settings of {@link DatasetSourceConnector}. */
public final class DatasetSourceConfig extends AbstractConfig {

    public static final String DIR = "dataset.dir";
    private static final String DIR_DOC = "Directory of JSONL files (searched recursively); every file whose name "
            + "matches dataset.file.suffix is read once, line by line, in path order.";
    public static final String NAME = "dataset.name";
    private static final String NAME_DOC = "Name of the dataset (the key of its records); empty: the directory's name.";
    public static final String KIND = "dataset.kind";
    private static final String KIND_DOC = "What each line holds: prompts ({\"prompt\", \"reference\"}), sft "
            + "({\"prompt\", \"completion\"}) or preferences ({\"prompt\", \"chosen\", \"rejected\"}); other fields are "
            + "refused.";
    public static final String POLICY = "dataset.policy.id";
    private static final String POLICY_DOC = "Policy the dataset is for; empty when it is not tied to one.";
    public static final String SUFFIX = "dataset.file.suffix";
    private static final String SUFFIX_DOC = "Only files whose name ends with this are read.";
    public static final String TOPIC = "topic";
    private static final String TOPIC_DOC = "Topic of the examples.";
    public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic of the lines that do not fit the kind's schema, as "
            + "DeadLetter events naming the file and line.";
    public static final String BATCH = "batch.lines";
    private static final String BATCH_DOC = "Most lines one poll returns.";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    private static final String POLL_INTERVAL_MS_DOC = "How often the directory is scanned for new files once every "
            + "file has been read.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    DIR_DOC)
            .define(KIND, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                    ValidString.in("prompts", "sft", "preferences"), Importance.HIGH, KIND_DOC)
            .define(NAME, Type.STRING, "", Importance.MEDIUM, NAME_DOC)
            .define(POLICY, Type.STRING, "", Importance.MEDIUM, POLICY_DOC)
            .define(SUFFIX, Type.STRING, ".jsonl", Importance.LOW, SUFFIX_DOC)
            .define(TOPIC, Type.STRING, Topics.DATASETS.name(), Importance.LOW, TOPIC_DOC)
            .define(DEAD_LETTER_TOPIC, Type.STRING, Topics.DEAD_LETTER.name(), Importance.LOW, DEAD_LETTER_TOPIC_DOC)
            .define(BATCH, Type.INT, 500, Range.between(1, 100_000), Importance.LOW, BATCH_DOC)
            .define(POLL_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(10), Importance.LOW, POLL_INTERVAL_MS_DOC);

    public final Path dir;
    public final DatasetLines.Kind kind;
    public final String name;
    public final String policyId;
    public final String suffix;
    public final String topic;
    public final String deadLetterTopic;
    public final int batchLines;
    public final long pollIntervalMs;

    public DatasetSourceConfig(Map<String, ?> props) {
        super(DEFINITION, props);
        this.dir = Path.of(getString(DIR)).toAbsolutePath().normalize();
        this.kind = DatasetLines.Kind.valueOf(getString(KIND).toUpperCase(Locale.ROOT));
        String given = getString(NAME);
        this.name = given.isBlank() ? String.valueOf(dir.getFileName()) : given;
        this.policyId = getString(POLICY);
        this.suffix = getString(SUFFIX);
        this.topic = getString(TOPIC);
        this.deadLetterTopic = getString(DEAD_LETTER_TOPIC);
        this.batchLines = getInt(BATCH);
        this.pollIntervalMs = getLong(POLL_INTERVAL_MS);
    }
}
