package ai.mint.gateway.openai;

import java.util.List;

/**
 * One validated completion request, from either endpoint: what to ask the policy ({@code prompts}, each answered
 * {@code n} times) and how to answer. Chat requests arrive here with their messages already turned into one prompt
 * by {@link ChatTemplate}.
 *
 * @param endpoint     which API shape to answer in
 * @param model        the policy (and pinned revision) the {@code model} field names
 * @param prompts      one or more prompts (chat: exactly one)
 * @param sampling     sampling settings of every choice
 * @param n            choices per prompt
 * @param stream       answer as server-sent events
 * @param includeUsage streaming: end with a chunk that carries {@code usage}
 * @param logprobs     return each generated token's log-probability
 */
public record CompletionJob(Endpoint endpoint, ModelRef model, List<String> prompts, Sampling sampling, int n,
                            boolean stream, boolean includeUsage, boolean logprobs) {

    public CompletionJob {
        prompts = List.copyOf(prompts);
    }

    /** How many completions the job asks for (prompts x n). */
    public int choices() {
        return prompts.size() * n;
    }

    /** The two OpenAI endpoints the gateway answers. */
    public enum Endpoint {
        COMPLETIONS("completions"), CHAT("chat_completions");

        private final String label;

        Endpoint(String label) {
            this.label = label;
        }

        /** The endpoint's name in metrics. */
        public String label() {
            return label;
        }
    }

    /**
     * Sampling settings, as the inference request carries them.
     *
     * @param maxTokens   tokens to generate at most
     * @param temperature 0 is greedy
     * @param topP        nucleus sampling mass
     * @param seed        seed of the first choice (choice i uses seed + i), or null for a random one
     * @param stop        strings that end a completion (not included in it)
     */
    public record Sampling(int maxTokens, double temperature, double topP, Long seed, List<String> stop) {

        public Sampling {
            stop = List.copyOf(stop);
        }
    }

    /**
     * What one request may ask for.
     *
     * @param maxTokens the largest max_tokens (the workers refuse more)
     * @param maxN      the largest n
     * @param maxPrompts the most prompts in one completions request
     */
    public record Limits(int maxTokens, int maxN, int maxPrompts) {
    }
}
