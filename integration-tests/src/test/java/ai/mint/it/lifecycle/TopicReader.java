package ai.mint.it.lifecycle;

import ai.mint.chaos.EventLog;
import ai.mint.common.connection.PlatformConnection;
import java.util.List;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;

/** Reads a whole topic as it is now (beginning to end) and keeps the events that match, for assertions. */
public final class TopicReader {

    private TopicReader() {
    }

    public static <T extends SpecificRecord> List<T> readAll(String bootstrap, String registryUrl, String topic,
                                                             Class<T> type, Predicate<T> keep) {
        return EventLog.read(PlatformConnection.of(bootstrap, registryUrl), topic, type, keep);
    }
}
