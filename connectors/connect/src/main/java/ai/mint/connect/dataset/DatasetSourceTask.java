package ai.mint.connect.dataset;

import ai.mint.common.deadletter.DeadLetters;
import ai.mint.common.ids.EventIds;
import ai.mint.connect.PluginVersion;
import ai.mint.connect.SourcePartitions;
import ai.mint.connect.TaskShare;
import ai.mint.connect.converter.AvroConnectData;
import ai.mint.events.DatasetExample;
import ai.mint.events.DeadLetter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the dataset directory's JSONL files line by line. Each record's source partition is its file and its source
 * offset the byte position after its line, so after a restart every file resumes where Connect last committed (a
 * file read to its end is not read again), and a file that appears later is read when the directory is scanned
 * next. A line that does not fit the kind's schema becomes a DeadLetter (file, line, reason) on the dead-letter
 * topic, through the same offsets, so it is reported once.
 */
public class DatasetSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetSourceTask.class);

    private final AvroConnectData data = new AvroConnectData();
    /** Where this session is in each file (byte position after the last line handed to Connect). */
    private final Map<String, long[]> positions = new HashMap<>();
    private final Deque<String> pending = new ArrayDeque<>();
    private DatasetSourceConfig config;
    private TaskShare share;
    private long nextScan;
    private String file;
    private InputStream in;
    private long position;
    private long line;

    @Override
    public String version() {
        return PluginVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new DatasetSourceConfig(props);
        share = TaskShare.of(props);
        if (!Files.isDirectory(config.dir)) {
            throw new ConnectException(DatasetSourceConfig.DIR + " " + config.dir + " is not a directory");
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (file == null && !openNext()) {
            Thread.sleep(Math.min(config.pollIntervalMs, 1000));
            return null;
        }
        List<SourceRecord> records = new ArrayList<>();
        Instant now = Instant.now();
        String current = file;
        try {
            while (records.size() < config.batchLines) {
                byte[] bytes = readLine();
                if (bytes == null) {
                    closeFile();
                    break;
                }
                line++;
                String text = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
                if (text.isEmpty()) {
                    continue; // blank lines hold nothing
                }
                records.add(record(text, now));
            }
        } catch (IOException e) {
            throw new ConnectException("cannot read " + config.dir.resolve(file) + ": " + e.getMessage(), e);
        }
        positions.put(current, new long[] {position, line});
        return records.isEmpty() ? null : records;
    }

    private SourceRecord record(String text, Instant now) {
        Map<String, ?> partition = partition(file);
        Map<String, ?> offset = Map.of("position", position, "line", line);
        try {
            DatasetExample example = DatasetLines.parse(config, file, line, text, now);
            return sourceRecord(partition, offset, config.topic, config.name, example, now);
        } catch (DatasetLines.BadLineException e) {
            String reason = "file " + file + " line " + line + ": " + e.getMessage();
            LOG.warn("dataset {}: {}", config.name, reason);
            DeadLetter letter = DeadLetters.of(EventIds.derived(config.name + "/" + file + ":" + line, "dead-letter"),
                    now, new DeadLetters.Source("file:" + file, 0, line, null, text.getBytes(StandardCharsets.UTF_8)),
                    config.policyId, "InvalidDatasetLine", reason, "mint-connect dataset " + config.name);
            return sourceRecord(partition, offset, config.deadLetterTopic, DeadLetters.recordKey(config.name), letter,
                    now);
        }
    }

    private SourceRecord sourceRecord(Map<String, ?> partition, Map<String, ?> offset, String topic, String key,
                                      SpecificRecord event, Instant now) {
        return new SourceRecord(partition, offset, topic, null, Schema.STRING_SCHEMA, key,
                data.toConnectSchema(event.getSchema()), data.toConnectValue(event.getSchema(), event),
                now.toEpochMilli());
    }

    /** Opens the next file with lines left; false when every file of this task is read to its end. */
    private boolean openNext() {
        while (true) {
            if (pending.isEmpty()) {
                if (System.currentTimeMillis() < nextScan) {
                    return false;
                }
                scan();
                nextScan = System.currentTimeMillis() + config.pollIntervalMs;
                if (pending.isEmpty()) {
                    return false;
                }
            }
            String candidate = pending.poll();
            long[] start = start(candidate);
            Path path = config.dir.resolve(candidate);
            try {
                if (Files.size(path) <= start[0]) {
                    positions.put(candidate, start);
                    continue; // read to its end before
                }
                InputStream stream = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
                stream.skipNBytes(start[0]);
                file = candidate;
                in = stream;
                position = start[0];
                line = start[1];
                LOG.info("dataset {}: reading {} from line {}", config.name, candidate, line + 1);
                return true;
            } catch (IOException e) {
                throw new ConnectException("cannot open " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** This task's files in path order. */
    private void scan() {
        try (Stream<Path> walk = Files.walk(config.dir)) {
            walk.filter(Files::isRegularFile)
                    .map(p -> config.dir.relativize(p).toString())
                    .filter(rel -> rel.endsWith(config.suffix))
                    .filter(share::owns)
                    .sorted()
                    .forEach(pending::add);
        } catch (IOException e) {
            throw new ConnectException("cannot list " + config.dir + ": " + e.getMessage(), e);
        }
    }

    /** {byte position, lines read} to resume a file at: this session's, else Connect's committed offset, else 0. */
    private long[] start(String candidate) {
        long[] mine = positions.get(candidate);
        if (mine != null) {
            return mine;
        }
        Map<String, Object> committed = context.offsetStorageReader().offset(partition(candidate));
        if (committed == null) {
            return new long[] {0, 0};
        }
        return new long[] {((Number) committed.get("position")).longValue(), ((Number) committed.get("line")).longValue()};
    }

    private Map<String, String> partition(String relativeFile) {
        return SourcePartitions.of("dataset", config.name, "file", relativeFile);
    }

    /** The next line's bytes without its end of line, or null at the end of the file; advances the position. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            position++;
            if (b == '\n') {
                return out.toByteArray();
            }
            out.write(b);
        }
        return any ? out.toByteArray() : null;
    }

    private void closeFile() throws IOException {
        in.close();
        in = null;
        file = null;
    }

    @Override
    public void stop() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                LOG.debug("closing {} failed: {}", file, e.getMessage());
            }
        }
    }
}
