package ai.mint.engine.pretrain;

import java.util.List;

/**
 * Plain-text sentences for pretraining, split into what the model and tokenizer learn from and what only measures
 * them. The split is by source document, so no held-out sentence has a neighbour in training.
 */
public record Corpus(String name, List<String> train, List<String> heldOut) {

    public Corpus {
        train = List.copyOf(train);
        heldOut = List.copyOf(heldOut);
        if (train.isEmpty() || heldOut.isEmpty()) {
            throw new IllegalArgumentException("corpus '" + name + "' needs training and held-out sentences, got "
                    + train.size() + " and " + heldOut.size());
        }
    }

    /** Whitespace-separated words in {@code sentences}. */
    public static long words(List<String> sentences) {
        long n = 0;
        for (String s : sentences) {
            String t = s.trim();
            n += t.isEmpty() ? 0 : t.split("\\s+").length;
        }
        return n;
    }
}
