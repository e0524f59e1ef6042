package ai.mint.training.reward;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * A weighted sum of other rewards. Its terms are scored concurrently; when any term fails, the whole reward fails
 * (a partial sum would silently change what the policy is optimised for).
 */
public record WeightedReward(List<Term> terms) implements RewardFunction {

    /** One weighted term. */
    public record Term(double weight, RewardFunction reward) {
    }

    public WeightedReward {
        if (terms == null || terms.isEmpty()) {
            throw new IllegalArgumentException("a weighted reward needs at least one term");
        }
        terms = List.copyOf(terms);
    }

    @Override
    public double score(RewardInput input) throws Exception {
        double sum = 0;
        for (Term t : terms) {
            sum += t.weight() * t.reward().score(input);
        }
        return sum;
    }

    @Override
    public CompletableFuture<Double> scoreAsync(RewardInput input, Executor executor) {
        List<CompletableFuture<Double>> parts = terms.stream()
                .map(t -> t.reward().scoreAsync(input, executor).thenApply(v -> t.weight() * v))
                .toList();
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> parts.stream().mapToDouble(CompletableFuture::join).sum());
    }

    @Override
    public String describe() {
        return terms.stream().map(t -> t.weight() + "*" + t.reward().describe()).collect(Collectors.joining(" + "));
    }
}
