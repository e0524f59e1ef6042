package ai.mint.chaos;

import ai.mint.client.MintClient;
import ai.mint.events.InferenceResponse;
import ai.mint.events.SamplingParams;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady inference traffic through the client (client, scheduler, the worker's own topic), one request every
 * {@code intervalMs} round-robin over the served policies, each remembered by its request id with the time it was
 * sent. What the client sees is what counts: an answer per accepted request, a second answer with the same id
 * dropped by the client ({@link MintClient#duplicateAnswersDropped()}).
 */
public final class InferenceLoad implements AutoCloseable {

    private static final SamplingParams GREEDY = SamplingParams.newBuilder().setMaxTokens(8).setTemperature(0).build();

    private final MintClient client;
    private final List<String> policies;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> answersById = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final long droppedAtStart;
    private final Thread sender;
    private volatile boolean running = true;

    private record Sent(long atNanos, CompletableFuture<InferenceResponse> answer) {
    }

    public InferenceLoad(MintClient client, List<String> policies, long intervalMs) {
        this.client = client;
        this.policies = policies;
        this.droppedAtStart = client.duplicateAnswersDropped();
        this.sender = new Thread(() -> sendLoop(intervalMs), "mint-chaos-inference");
        sender.setDaemon(true);
        sender.start();
    }

    private void sendLoop(long intervalMs) {
        int n = 0;
        while (running) {
            try {
                CompletableFuture<InferenceResponse> answer = client.sample(policies.get(n % policies.size()),
                        "ab" + n, GREEDY, null);
                answer.thenAccept(r -> {
                    if (r.getError() == null) {
                        answersById.merge(r.getRequestId(), 1, Integer::sum);
                    }
                });
                sent.add(new Sent(System.nanoTime(), answer));
            } catch (RuntimeException e) {
                refused.incrementAndGet(); // not accepted: the client could not publish it
            }
            n++;
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Requests answered without an error so far. */
    public long answered() {
        return answersById.size();
    }

    /** Whether every request sent before {@code nanos} has its answer (or has failed for good). */
    boolean settledBefore(long nanos) {
        return sent.stream().filter(s -> s.atNanos() < nanos).allMatch(s -> s.answer().isDone());
    }

    /** Stops sending and waits up to {@code timeout} for the answers still due. */
    public void stop(Duration timeout) {
        running = false;
        sender.interrupt();
        try {
            sender.join(5_000);
            CompletableFuture.allOf(sent.stream().map(Sent::answer).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // counted below: a request without an answer is not answered
        }
    }

    /** What the client saw. */
    public Counts counts() {
        long errors = sent.stream().filter(s -> s.answer().isDone())
                .filter(s -> s.answer().isCompletedExceptionally() || s.answer().join().getError() != null).count();
        long twice = answersById.values().stream().filter(c -> c > 1).count();
        return new Counts(sent.size(), answersById.size(), errors, refused.get(), twice,
                client.duplicateAnswersDropped() - droppedAtStart);
    }

    @Override
    public void close() {
        running = false;
        sender.interrupt();
    }

    /**
     * @param accepted    requests the client published
     * @param answered    distinct request ids answered without an error
     * @param errors      requests answered with an error or timed out
     * @param refused     requests the client could not publish
     * @param twice       request ids the client delivered more than once (the goal: 0)
     * @param dropped     second answers on the topic the client recognised by request id and dropped
     */
    public record Counts(long accepted, long answered, long errors, long refused, long twice, long dropped) {
    }
}
