package ai.mint.gateway.openai;

import java.util.List;

/**
 * Turns chat messages into one prompt for the base model. The template is deliberately plain, one block per message
 * and an open assistant block at the end, which the model continues:
 * <pre>
 * &lt;|system|&gt;
 * You are terse.
 * &lt;|user|&gt;
 * Hello
 * &lt;|assistant|&gt;
 * </pre>
 * {@code developer} messages are treated as {@code system} ones. A base with a chat template of its own would use it
 * instead; ours are made here and have none.
 */
public final class ChatTemplate {

    /** Roles a message may have. */
    public static final List<String> ROLES = List.of("system", "developer", "user", "assistant");

    private ChatTemplate() {
    }

    /**
     * One message of a conversation.
     *
     * @param role    system, developer, user or assistant
     * @param content its text
     */
    public record Message(String role, String content) {
    }

    /** The prompt for {@code messages}, ending with an open assistant block. */
    public static String render(List<Message> messages) {
        StringBuilder prompt = new StringBuilder();
        for (Message m : messages) {
            String role = m.role().equals("developer") ? "system" : m.role();
            prompt.append("<|").append(role).append("|>\n").append(m.content()).append('\n');
        }
        return prompt.append("<|assistant|>\n").toString();
    }
}
