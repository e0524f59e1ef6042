package ai.mint.registry;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A registry that can be taken down, for tests of what happens to valid events during a registry outage: while down
 * (for good, or for the next N calls) every call fails with {@link RegistryUnavailableException} exactly as the HTTP
 * client reports a refused connection; otherwise it answers from the registry it wraps.
 */
public final class OutageRegistry implements SchemaRegistryClient {

    private final SchemaRegistryClient registry;
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean down;

    public OutageRegistry(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /** Every call fails until {@link #up()}. */
    public void down() {
        down = true;
    }

    public void up() {
        down = false;
        failNext.set(0);
    }

    /** The next {@code calls} calls fail, then the registry is back by itself. */
    public void failNext(int calls) {
        failNext.set(calls);
    }

    /** Calls refused so far. */
    public int refused() {
        return refused.get();
    }

    private void check(String what) {
        if (down || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            refused.incrementAndGet();
            throw new RegistryUnavailableException("http://registry.invalid/apis/ccompat/v7", "connection refused"
                    + " (test outage during " + what + ")", null);
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        check("register");
        return registry.register(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        check("schemaById");
        return registry.schemaById(id);
    }

    @Override
    public OptionalInt lookup(String subject, Schema schema) {
        check("lookup");
        return registry.lookup(subject, schema);
    }

    @Override
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        check("checkCompatibility");
        return registry.checkCompatibility(subject, schema);
    }

    @Override
    public List<String> subjects() {
        check("subjects");
        return registry.subjects();
    }
}
