package ai.mint.common.safetensors;

/** A safetensors file whose header is malformed: the message names the file and, where there is one, the tensor. */
public class SafetensorsFormatException extends RuntimeException {

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
