package ai.mint.gateway.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the gateway answers with an error, in OpenAI's shape: an HTTP status and
 * {@code {"error": {"message", "type", "param", "code"}}}. Thrown anywhere on the request path; the HTTP layer
 * writes it. The factories are the one mapping from what went wrong to the status a client sees.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request is malformed or a field is wrong; {@code param} names the field (null for the body). */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, null, message);
    }

    /** 401: the API key is missing, unknown or expired. */
    public static ApiError unauthorized(String message) {
        return new ApiError(401, "authentication_error", null, "invalid_api_key", message);
    }

    /** 404: no such model (policy or revision), or not one this tenant may use. */
    public static ApiError modelNotFound(String model, String detail) {
        return new ApiError(404, "invalid_request_error", "model", "model_not_found", "The model '" + model
                + "' does not exist or you do not have access to it" + (detail == null ? "" : ": " + detail));
    }

    /** 404 for a path the gateway does not serve (or 405/413 and the like, with their own status). */
    public static ApiError http(int status, String message) {
        return new ApiError(status, status == 404 ? "not_found_error" : "invalid_request_error", null, null, message);
    }

    /** 429: the gateway already holds as many requests as it may; the client should retry later. */
    public static ApiError queueFull(String message) {
        return new ApiError(429, "rate_limit_error", null, "queue_full", message);
    }

    /** 503: the model cannot be served now (no serving revision, catalog or Kafka unreachable). */
    public static ApiError unavailable(String code, String message) {
        return new ApiError(503, "server_error", null, code, message);
    }

    /** 504: no worker answered within the request timeout. */
    public static ApiError timeout(String message) {
        return new ApiError(504, "server_error", null, "timeout", message);
    }

    /** 500: the gateway or a worker failed. */
    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", null, "internal_error", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** The OpenAI error document. */
    public ObjectNode body() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
