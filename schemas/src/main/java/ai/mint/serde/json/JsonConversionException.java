package ai.mint.serde.json;

/** JSON that does not fit an Avro schema; the message starts with the field path, e.g. {@code lora.rank: ...}. */
public class JsonConversionException extends RuntimeException {

    private final String path;

    public JsonConversionException(String path, String problem) {
        super((path.isEmpty() ? "<record>" : path) + ": " + problem);
        this.path = path;
    }

    /** Where in the document the problem is ({@code lora.rank}, {@code trajectories[2].reward}); empty for the root. */
    public String path() {
        return path;
    }
}
