package ai.mint.registry;

import java.util.List;

/** The registry refused a schema because it breaks the subject's compatibility rule (HTTP 409). */
public class IncompatibleSchemaException extends SchemaRegistryException {

    private final String subject;
    private final List<String> reasons;

    public IncompatibleSchemaException(String subject, List<String> reasons) {
        super("schema is incompatible with subject " + subject + ": " + String.join("; ", reasons)
                + " (give new fields a default; do not remove fields without a default or change their types)");
        this.subject = subject;
        this.reasons = List.copyOf(reasons);
    }

    public String subject() {
        return subject;
    }

    /** The registry's reasons. */
    public List<String> reasons() {
        return reasons;
    }
}
