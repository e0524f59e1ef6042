package ai.mint.registry;

import ai.mint.schemas.compat.CompatibilityMode;
import ai.mint.schemas.compat.SchemaCompatibilityChecker;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A schema registry held in memory with the Confluent registry's semantics: global ids shared by equal schemas
 * across subjects, versions per subject, and BACKWARD compatibility against the subject's latest version on
 * register. For unit tests (TopologyTestDriver) and {@code mock://} URLs; thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final String name;
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();

    public InMemorySchemaRegistry() {
        this("in-memory");
    }

    /** @param name shown in error messages, e.g. the {@code mock://NAME} it serves */
    public InMemorySchemaRegistry(String name) {
        this.name = name;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        OptionalInt existing = lookup(subject, schema);
        if (existing.isPresent()) {
            return existing.getAsInt();
        }
        CompatibilityResult compatibility = checkCompatibility(subject, schema);
        if (!compatibility.compatible()) {
            throw new IncompatibleSchemaException(subject, compatibility.messages());
        }
        int id = idsBySchemaText.computeIfAbsent(schema.toString(), text -> idsBySchemaText.size() + 1);
        schemasById.putIfAbsent(id, schema);
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new UnknownSchemaIdException(id, name);
        }
        return schema;
    }

    @Override
    public synchronized OptionalInt lookup(String subject, Schema schema) {
        Integer id = idsBySchemaText.get(schema.toString());
        if (id != null && versionsBySubject.getOrDefault(subject, List.of()).contains(id)) {
            return OptionalInt.of(id);
        }
        return OptionalInt.empty();
    }

    @Override
    public synchronized CompatibilityResult checkCompatibility(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            return CompatibilityResult.ok();
        }
        Schema latest = schemasById.get(versions.get(versions.size() - 1));
        List<String> problems = SchemaCompatibilityChecker.problems(schema, latest, CompatibilityMode.BACKWARD);
        return new CompatibilityResult(problems.isEmpty(), problems);
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    /** The ids registered under the subject, oldest version first. */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }

    @Override
    public String toString() {
        return "InMemorySchemaRegistry[" + name + "]";
    }
}
