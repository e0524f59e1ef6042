package ai.mint.lifecycle.bench;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import ai.mint.events.CatalogEntry;
import ai.mint.events.LoraSpec;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.serde.AvroEventSerializer;
import ai.mint.topics.Topics;
import ai.mint.common.store.AdapterStore;
import ai.mint.common.store.StoredArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Many served policies for the serving benchmarks and tests: one random PEFT adapter per policy in the adapter store
 * (revision {@code rev-1}), and a catalog entry per policy that serves it, published straight onto the catalog topic
 * (what the catalog app publishes once a revision is trained, exported, evaluated and promoted), so that thousands of
 * adapters can be served without training them or running the catalog app.
 */
public final class ServedAdapters {

    /** The one revision every served policy has. */
    public static final String REVISION = "rev-1";

    /** One stored, served adapter. */
    public record Served(String policyId, int rank, StoredArtifact stored) {
    }

    private ServedAdapters() {
    }

    /**
     * Writes {@code count} random adapters (q and v projections) into {@code store}, policies {@code prefix-00000}...;
     * {@code rankOf} gives each one's rank from its index. Reports progress every 10 s.
     */
    public static List<Served> write(AdapterStore store, ModelConfig config, String prefix, int count,
                                     IntUnaryOperator rankOf, long seed, Consumer<String> progress) {
        List<Served> served = new ArrayList<>(count);
        long reportedAt = System.nanoTime();
        Path scratch;
        try {
            scratch = Files.createTempDirectory("mint-served-adapters-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int i = 0; i < count; i++) {
                String policy = policyId(prefix, i);
                int rank = rankOf.applyAsInt(i);
                Path dir = scratch.resolve(policy);
                PeftAdapterIo.write(dir, LoraWeights.random(config, EnumSet.of(Projection.Q, Projection.V), rank,
                        2f * rank, seed + i, true), config);
                served.add(new Served(policy, rank, store.put(policy, "sampler", REVISION, dir)));
                deleteTree(dir);
                if (System.nanoTime() - reportedAt > 10_000_000_000L) {
                    progress.accept("  wrote " + (i + 1) + " of " + count + " adapters");
                    reportedAt = System.nanoTime();
                }
            }
        } finally {
            deleteTree(scratch);
        }
        return served;
    }

    public static String policyId(String prefix, int index) {
        return String.format("%s-%05d", prefix, index);
    }

    /** Publishes a catalog entry per adapter, serving it, onto the catalog topic; waits until the broker has all. */
    public static void publish(PlatformConnection connection, String baseModel, List<Served> served) {
        try (KafkaProducer<String, SpecificRecord> producer = KafkaClients.of(connection).producer("served-adapters",
                new StringSerializer(), new AvroEventSerializer<>(connection.registry()))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(served.size());
            for (Served s : served) {
                sent.add(producer.send(new ProducerRecord<>(Topics.CATALOG.name(), s.policyId(),
                        entry(s, baseModel))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing catalog entries", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot publish catalog entries: " + e.getCause(), e.getCause());
        }
    }

    static CatalogEntry entry(Served s, String baseModel) {
        Instant now = Instant.now();
        PolicySpec spec = PolicySpec.newBuilder().setEventId("served-" + s.policyId()).setPolicyId(s.policyId())
                .setTime(now).setBaseModel(baseModel)
                .setLora(LoraSpec.newBuilder().setRank(s.rank()).setAlpha(2 * s.rank())
                        .setTargetModules(List.of("q_proj", "v_proj")).build())
                .setRewardSpec("{\"type\":\"contains\",\"text\":\"7\"}").build();
        RevisionInfo revision = RevisionInfo.newBuilder().setRevision(REVISION).setStep(1).setRank(s.rank())
                .setAdapterUri(s.stored().uri()).setSha256(s.stored().sha256()).setBytes(s.stored().bytes())
                .setState(RevisionState.SERVING).setEvalScores(Map.of()).setCreatedAt(now).setProducedBy("bench")
                .build();
        return CatalogEntry.newBuilder().setEventId("served-entry-" + s.policyId()).setPolicyId(s.policyId())
                .setTime(now).setSpec(spec).setRevisions(new ArrayList<>(List.of(revision)))
                .setServingRevision(REVISION).setHistory(new ArrayList<>()).setUpdatedAt(now).build();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
