package ai.mint.api;

import java.util.List;

/**
 * What a training client trains on (Tinker's {@code get_info}): the base model, its vocabulary size, end-of-sequence
 * token id (-1: none), the most positions one datum or prompt plus completion may have, and the policy's LoRA shape.
 */
public record ModelInfo(String baseModel, int vocabSize, int eosTokenId, int maxPositions, int loraRank,
                        List<String> targetModules) {

    public ModelInfo {
        targetModules = List.copyOf(targetModules);
    }
}
