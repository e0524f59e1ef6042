package ai.mint.serde;

import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The serde by class name, for configs that take one (e.g. Streams' {@code default.value.serde} in external apps):
 * configured with {@value AvroSerdeConfig#SCHEMA_REGISTRY_URL} and optionally
 * {@value AvroSerdeConfig#SPECIFIC_TYPE}. Code in this project passes serdes explicitly via {@link AvroSerdes}.
 */
public class AvroEventSerde extends Serdes.WrapperSerde<IndexedRecord> {

    public AvroEventSerde() {
        super(new AvroEventSerializer<>(), new AvroEventDeserializer<>());
    }
}
