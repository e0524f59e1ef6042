package ai.mint.catalog.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One answer of the query API: an HTTP status and a JSON body. Errors have the body
 * {@code {"error": CODE, "message": TEXT}}, with CODE one of bad_request, not_found, not_ready, method_not_allowed,
 * internal.
 *
 * @param status HTTP status code
 * @param body   JSON body
 */
public record ApiResponse(int status, JsonNode body) {

    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse badRequest(String message) {
        return error(400, "bad_request", message);
    }

    public static ApiResponse notFound(String message) {
        return error(404, "not_found", message);
    }

    public static ApiResponse notReady(String message) {
        return error(503, "not_ready", message);
    }

    public static ApiResponse error(int status, String code, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", code);
        body.put("message", message);
        return new ApiResponse(status, body);
    }
}
