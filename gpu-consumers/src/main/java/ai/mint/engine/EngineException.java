package ai.mint.engine;

/**
 * Root of every error the model engine raises: a file that cannot be read as a model or adapter, a configuration
 * that does not fit the base, a request the engine cannot serve. The message names what is wrong and, where there is
 * one, the fix.
 */
public class EngineException extends RuntimeException {

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
