package ai.mint.topics;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Maps a topic to the generated Avro class of its values ({@link TopicSpec#valueRecord()}), so tools that only know a
 * topic name (the CLI, the quickstart) can pick the right schema and serde.
 */
public final class TopicTypes {

    private TopicTypes() {
    }

    /** The generated SpecificRecord class carried as value on this topic. */
    public static Class<? extends SpecificRecord> valueClass(TopicSpec topic) {
        Class<?> type;
        try {
            type = Class.forName(topic.valueRecord(), true, TopicTypes.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("topic " + topic.name() + ": value record " + topic.valueRecord()
                    + " has no generated class; is there a schema for it in schemas/avro/?", e);
        }
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalStateException("topic " + topic.name() + ": " + type.getName()
                    + " is not an Avro SpecificRecord");
        }
        return type.asSubclass(SpecificRecord.class);
    }

    /** The Avro schema of the values on this topic (the schema compiled into the generated class). */
    public static Schema valueSchema(TopicSpec topic) {
        return SpecificData.get().getSchema(valueClass(topic));
    }
}
