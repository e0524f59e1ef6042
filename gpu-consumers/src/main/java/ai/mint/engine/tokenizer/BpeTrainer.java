package ai.mint.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a byte-level BPE vocabulary from text, the way GPT-2 style tokenizers are trained: split the text into
 * {@link ByteLevel} pre-tokens, start from single bytes, and repeatedly merge the adjacent pair that occurs most often
 * (weighted by how often its word occurs) until the vocabulary has the requested size. Ties go to the pair of lower
 * ids, so the same text always gives the same merges. Pair counts are updated only for the words a merge touches.
 */
public final class BpeTrainer {

    /** A pair must occur at least this often to be merged; rarer pairs only memorise single words. */
    private static final long MIN_PAIR_COUNT = 2;

    private final List<int[]> words = new ArrayList<>();   // each distinct pre-token as token ids
    private final List<Long> wordCounts = new ArrayList<>();
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
    // (count, pair) candidates, highest count first; an entry whose count is no longer current is skipped
    private final PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) ->
            x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
    private final List<String> tokens = new ArrayList<>(BpeVocabulary.baseTokens());
    private final Map<String, Integer> idOf = new HashMap<>();
    private final List<BpeVocabulary.Merge> merges = new ArrayList<>();

    private BpeTrainer(Map<String, Long> pretokenCounts) {
        for (int i = 0; i < tokens.size(); i++) {
            idOf.put(tokens.get(i), i);
        }
        pretokenCounts.forEach((pretoken, count) -> {
            byte[] bytes = pretoken.getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = bytes[i] & 0xFF;
            }
            int w = words.size();
            words.add(ids);
            wordCounts.add(count);
            addPairs(w, ids, count, null);
        });
        pairCounts.forEach((pair, count) -> queue.add(new long[] {count, pair}));
    }

    /**
     * Trains a vocabulary of at most {@code vocabSize} tokens (bytes and special tokens included) on {@code texts}.
     * It stops earlier when no pair occurs at least twice.
     */
    public static BpeVocabulary train(Iterable<String> texts, int vocabSize) {
        if (vocabSize < BpeVocabulary.FIRST_MERGED) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below the "
                    + BpeVocabulary.FIRST_MERGED + " byte and special tokens");
        }
        Map<String, Long> counts = new HashMap<>();
        for (String text : texts) {
            for (String p : ByteLevel.pretokenize(text)) {
                counts.merge(p, 1L, Long::sum);
            }
        }
        BpeTrainer trainer = new BpeTrainer(counts);
        while (trainer.tokens.size() < vocabSize && trainer.mergeBestPair()) {
            // each call adds one merge
        }
        return new BpeVocabulary(trainer.tokens, trainer.merges);
    }

    /** Merges the most frequent pair everywhere; false when no pair is frequent enough. */
    private boolean mergeBestPair() {
        long[] best;
        while ((best = queue.poll()) != null) {
            Long current = pairCounts.get(best[1]);
            if (current != null && current == best[0]) {
                break;
            }
        }
        if (best == null || best[0] < MIN_PAIR_COUNT) {
            return false;
        }
        long pair = best[1];
        int left = (int) (pair >>> 32);
        int right = (int) pair;
        String merged = tokens.get(left) + tokens.get(right);
        // two merge paths can spell the same string (a+bc, ab+c): they share its id, as in Hugging Face's trainer
        int id = idOf.computeIfAbsent(merged, s -> {
            tokens.add(s);
            return tokens.size() - 1;
        });
        merges.add(new BpeVocabulary.Merge(tokens.get(left), tokens.get(right)));
        Set<Long> changed = new HashSet<>();
        for (int w : new ArrayList<>(pairWords.getOrDefault(pair, Set.of()))) {
            int[] before = words.get(w);
            int[] after = replace(before, left, right, id);
            if (after.length == before.length) {
                continue;
            }
            long count = wordCounts.get(w);
            addPairs(w, before, -count, changed);
            addPairs(w, after, count, changed);
            words.set(w, after);
        }
        pairCounts.remove(pair);
        pairWords.remove(pair);
        for (long p : changed) {
            Long c = pairCounts.get(p);
            if (c != null && c > 0) {
                queue.add(new long[] {c, p});
            }
        }
        return true;
    }

    /** Adds {@code count} to every adjacent pair of {@code ids} (negative to take a word's old pairs away). */
    private void addPairs(int word, int[] ids, long count, Set<Long> changed) {
        for (int i = 0; i + 1 < ids.length; i++) {
            long p = key(ids[i], ids[i + 1]);
            long c = pairCounts.merge(p, count, Long::sum);
            if (c <= 0) {
                pairCounts.remove(p);
            } else if (count > 0) {
                pairWords.computeIfAbsent(p, k -> new HashSet<>()).add(word);
            }
            if (changed != null) {
                changed.add(p);
            }
        }
    }

    /** Left-to-right, non-overlapping replacement of each {@code (left, right)} by {@code id}. */
    private static int[] replace(int[] ids, int left, int right, int id) {
        int[] out = new int[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (i + 1 < ids.length && ids[i] == left && ids[i + 1] == right) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = ids[i];
            }
        }
        return n == ids.length ? ids : java.util.Arrays.copyOf(out, n);
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }
}
