package ai.mint.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client of the Kafka Connect REST API (any Connect cluster, ours or another): list, deploy (create or update a
 * connector from its configuration), status, delete, and waiting until a connector and its tasks run. A refusal comes
 * back as a {@link PlatformException} carrying Connect's own message (e.g. the config validation errors).
 */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ConnectRest(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The names of the deployed connectors. */
    public List<String> connectors() {
        List<String> names = new ArrayList<>();
        send("GET", "/connectors", null).forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Creates the connector, or replaces its configuration; returns Connect's answer (name, config, tasks). */
    public JsonNode deploy(String name, Map<String, String> config) {
        try {
            return send("PUT", "/connectors/" + encode(name) + "/config", JSON.writeValueAsString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The connector's state and its tasks' ({@code {"connector": {"state": ...}, "tasks": [...]}}). */
    public JsonNode status(String name) {
        return send("GET", "/connectors/" + encode(name) + "/status", null);
    }

    /** Removes the connector (its offsets stay in the offset topic, so deploying it again resumes). */
    public void delete(String name) {
        send("DELETE", "/connectors/" + encode(name), null);
    }

    /** Pauses the connector and waits until it and its tasks say PAUSED (they stop reading or polling). */
    public void pause(String name, Duration timeout) {
        send("PUT", "/connectors/" + encode(name) + "/pause", null);
        awaitState(name, "PAUSED", 0, timeout);
    }

    /** Resumes a paused connector (returns at once; its tasks go on within moments). */
    public void resume(String name) {
        send("PUT", "/connectors/" + encode(name) + "/resume", null);
    }

    /** The connector plugins the worker offers. */
    public JsonNode plugins() {
        return send("GET", "/connector-plugins", null);
    }

    /**
     * Waits until the connector and {@code tasks} tasks are RUNNING; a FAILED connector or task ends the wait with its
     * trace.
     */
    public void awaitRunning(String name, int tasks, Duration timeout) {
        awaitState(name, "RUNNING", tasks, timeout);
    }

    /** Waits until the connector and at least {@code tasks} tasks (all of them when 0) are in state {@code wanted}. */
    private void awaitState(String name, String wanted, int tasks, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "not deployed";
        while (System.nanoTime() < deadline) {
            try {
                JsonNode status = status(name);
                last = status.toString();
                String state = status.path("connector").path("state").asText();
                failIfFailed(name, "connector", status.path("connector"));
                int inState = 0;
                for (JsonNode task : status.path("tasks")) {
                    failIfFailed(name, "task " + task.path("id").asText(), task);
                    inState += task.path("state").asText().equals(wanted) ? 1 : 0;
                }
                int needed = tasks > 0 ? tasks : status.path("tasks").size();
                if (state.equals(wanted) && inState >= needed) {
                    return;
                }
            } catch (PlatformException e) {
                if (e.getMessage().contains(" FAILED")) {
                    throw e;
                }
                last = e.getMessage(); // not known yet (404) while the worker rebalances
            }
            ChildProcesses.sleep(50, "connector " + name + " to be " + wanted);
        }
        throw new PlatformException("connector " + name + " did not reach " + wanted + " with " + tasks
                + " task(s) within " + timeout.toSeconds() + " s; last status: " + last);
    }

    private static void failIfFailed(String name, String what, JsonNode node) {
        if (node.path("state").asText().equals("FAILED")) {
            throw new PlatformException("connector " + name + ": " + what + " FAILED on " + node.path("worker_id")
                    .asText() + ": " + node.path("trace").asText("(no trace)"));
        }
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PlatformException("the Kafka Connect REST API at " + baseUrl + " does not answer (" + e
                    + "); start a worker with ./mint connect or ./mint up --connect", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while calling " + baseUrl + path);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new PlatformException(method + " " + path + " refused by Kafka Connect (HTTP " + response.statusCode()
                    + "): " + answer.path("message").asText(response.body()));
        }
        return answer;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
