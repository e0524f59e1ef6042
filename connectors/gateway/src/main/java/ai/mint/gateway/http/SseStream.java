package ai.mint.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-sent-events answer: opened (status 200, {@code text/event-stream}, the revision header) by its first
 * event, then one {@code data: JSON} event per chunk, flushed at once, and {@code data: [DONE]} at the end. Writes of
 * one stream are serialized; a client that has gone away only ends this stream (later writes are dropped), and a slow
 * one holds only the thread that writes to it.
 */
final class SseStream {

    private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);

    private final HttpServletResponse response;
    private final ObjectMapper json;
    private ServletOutputStream out;
    private boolean broken;

    SseStream(HttpServletResponse response, ObjectMapper json) {
        this.response = response;
        this.json = json;
    }

    /** Whether the stream has been opened (after that, errors go into the stream, not into the status). */
    synchronized boolean started() {
        return out != null;
    }

    /** Opens the stream if needed, naming the revision that answered in the response header. */
    synchronized void open(String revision) {
        if (out != null || broken) {
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader(CompletionEndpoint.REVISION_HEADER, revision);
        try {
            out = response.getOutputStream();
            out.flush();
        } catch (IOException e) {
            gone(e);
        }
    }

    synchronized void event(ObjectNode chunk) {
        try {
            write("data: " + json.writeValueAsString(chunk) + "\n\n");
        } catch (IOException e) {
            gone(e);
        }
    }

    synchronized void done() {
        write("data: [DONE]\n\n");
    }

    private void write(String text) {
        if (out == null || broken) {
            return;
        }
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            gone(e);
        }
    }

    private void gone(IOException e) {
        broken = true;
        LOG.debug("stream client gone: {}", e.toString());
    }
}
