package ai.mint.engine.pretrain;

import java.util.Set;

/**
 * Turns one line of the tagged Brown corpus ({@code The/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ./.}) into
 * a plain English sentence ({@code The jury said "no evidence".}): the part-of-speech tag after each word's last
 * slash is dropped, the corpus's {@code ``} and {@code ''} become double quotes, and punctuation is attached the way
 * printed text attaches it.
 */
public final class BrownText {

    /** Tokens written against the word before them. */
    private static final Set<String> CLOSING = Set.of(".", ",", ";", ":", "?", "!", ")", "]", "'", "''", "%");
    /** Tokens written against the word after them. */
    private static final Set<String> OPENING = Set.of("(", "[", "``", "$");

    private BrownText() {
    }

    /** The plain sentence of a tagged line; blank for a blank line. */
    public static String plain(String taggedLine) {
        StringBuilder out = new StringBuilder();
        boolean glueNext = true;
        for (String token : taggedLine.trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            int slash = token.lastIndexOf('/');
            String word = slash > 0 ? token.substring(0, slash) : token;
            boolean closing = CLOSING.contains(word);
            if (!glueNext && !closing) {
                out.append(' ');
            }
            out.append(switch (word) {
                case "``", "''" -> "\"";
                default -> word;
            });
            glueNext = OPENING.contains(word);
        }
        return out.toString();
    }
}
