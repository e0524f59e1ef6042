package ai.mint.registry;

/** No schema has this id: the data was written against another registry, or the registry lost its storage. */
public class UnknownSchemaIdException extends SchemaRegistryException {

    private final int id;

    public UnknownSchemaIdException(int id, String registry) {
        super("schema id " + id + " is unknown to the schema registry " + registry
                + " (was the event written against another registry, or did the registry lose its storage?)");
        this.id = id;
    }

    public int id() {
        return id;
    }
}
