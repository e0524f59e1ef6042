package ai.mint.gateway.openai;

import java.util.List;

/**
 * What a streamed choice may send of the worker's chunks, and when: chunks are taken in index order only (one whose
 * index was taken already is dropped, since a redelivered request is answered again from index 0; one after a gap
 * waits for the final response, which fills in whatever was not sent), and text is held back while it could still be
 * the start of a stop sequence, so that what is sent is always a prefix of the final, stop-cut text. Not thread-safe:
 * one choice's chunks come one after another.
 */
public final class StreamedText {

    private final List<String> stop;
    private final int holdBack;
    private final StringBuilder received = new StringBuilder();
    private int nextIndex;
    private int sent;

    /** @param stop the request's stop sequences (the gateway cuts them, the workers do not) */
    public StreamedText(List<String> stop) {
        this.stop = List.copyOf(stop);
        this.holdBack = stop.stream().mapToInt(String::length).max().orElse(1) - 1;
    }

    /** The text to send now for chunk {@code index} with {@code delta}; empty when there is none yet. */
    public String accept(int index, String delta) {
        if (index != nextIndex) {
            return ""; // seen already, or after a gap
        }
        nextIndex++;
        received.append(delta);
        int upTo = received.length() - holdBack;
        for (String s : stop) {
            int at = received.indexOf(s);
            if (at >= 0) {
                upTo = Math.min(upTo, at);
            }
        }
        if (upTo > 0 && upTo < received.length() && Character.isHighSurrogate(received.charAt(upTo - 1))) {
            upTo--; // never split a character
        }
        if (upTo <= sent) {
            return "";
        }
        String out = received.substring(sent, upTo);
        sent = upTo;
        return out;
    }

    /** Whether any text was sent. */
    public boolean started() {
        return sent > 0;
    }

    /**
     * What is left to send of the choice's final text. Empty when the sent text is not its prefix (chunks of a
     * redelivered answer that wrote differently): what was sent cannot be taken back.
     */
    public String rest(String finalText) {
        String sentText = received.substring(0, sent);
        return finalText.startsWith(sentText) ? finalText.substring(sent) : "";
    }
}
