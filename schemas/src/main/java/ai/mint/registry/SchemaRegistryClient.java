package ai.mint.registry;

import org.apache.avro.Schema;

import java.util.List;
import java.util.OptionalInt;

/**
 * The part of the Confluent Schema Registry API the platform uses: schemas are registered under subjects
 * ({@code <topic>-value}, {@code <topic>-key}) and referred to on the wire by a global integer id.
 * Implementations: {@link HttpSchemaRegistryClient} (any registry speaking the Confluent REST API) and
 * {@link InMemorySchemaRegistry} (unit tests). Failures are {@link SchemaRegistryException}s.
 */
public interface SchemaRegistryClient {

    /**
     * Registers the schema under the subject (a no-op when it is already there) and returns its global id.
     *
     * @throws IncompatibleSchemaException when the subject's compatibility rule rejects the schema
     */
    int register(String subject, Schema schema);

    /**
     * The schema with this global id.
     *
     * @throws UnknownSchemaIdException when the registry has no schema with this id
     */
    Schema schemaById(int id);

    /** The id of this schema if it is registered under the subject; empty otherwise. */
    OptionalInt lookup(String subject, Schema schema);

    /** Whether the schema may be registered under the subject next; compatible when the subject is new. */
    CompatibilityResult checkCompatibility(String subject, Schema schema);

    /** Every subject the registry knows. */
    List<String> subjects();
}
