package ai.mint.engine.safetensors;

import ai.mint.engine.EngineException;

/**
 * A safetensors file that is malformed or unsupported: truncated, a header that does not fit the file, an unknown
 * dtype, a shape that disagrees with its byte range, non-finite weights. The message names the file and the tensor.
 */
public class SafetensorsException extends EngineException {

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
