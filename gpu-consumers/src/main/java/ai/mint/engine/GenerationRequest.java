package ai.mint.engine;

/**
 * One prompt to continue, with the adapter to apply ({@code null} for the base model alone) and how to sample.
 */
public record GenerationRequest(String adapterId, int[] promptTokens, GenerationParams sampling) {

    public GenerationRequest {
        if (promptTokens == null || promptTokens.length == 0) {
            throw new EngineException("a generation request needs at least one prompt token");
        }
        promptTokens = promptTokens.clone();
    }
}
