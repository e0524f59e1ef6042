package ai.mint.training.reward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** 1 when the whole trimmed completion is one JSON value (optionally required to be an object), else 0. */
public record ValidJsonReward(boolean requireObject) implements RewardFunction {

    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public double score(RewardInput input) {
        String text = input.completion().trim();
        if (text.isEmpty()) {
            return 0.0;
        }
        try {
            JsonNode node = STRICT.readTree(text);
            return node != null && (!requireObject || node.isObject()) ? 1.0 : 0.0;
        } catch (JsonProcessingException e) {
            return 0.0;
        }
    }

    @Override
    public String describe() {
        return requireObject ? "valid_json(object)" : "valid_json";
    }
}
