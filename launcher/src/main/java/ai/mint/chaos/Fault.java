package ai.mint.chaos;

import ai.mint.lifecycle.bench.MintJvm;
import ai.mint.platform.KafkaNodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The faults of the suite, injected one at a time into a {@link ChaosPlatform} under load. Each one breaks something,
 * heals it (restart, start again, make writable again) and returns its recovery time: how long until the part the
 * fault hit does its work again, as seen from outside.
 */
public enum Fault {

    /** SIGKILL of the broker that leads the busiest probe partition, then its restart on the same log directory. */
    LEADER_KILL("leader broker SIGKILL + restart") {
        @Override
        double inject(ChaosPlatform platform, Loads loads, ChaosPlan plan) throws Exception {
            int partition = ProbeLoad.busiestPartition(platform.connection());
            KafkaNodeProcess leader = platform.cluster().broker(
                    platform.cluster().leaderOf(ProbeLoad.TOPIC, partition));
            int acked = loads.probe().acked();
            long t0 = System.nanoTime();
            leader.kill();
            await("acks=all writes after the leader died", plan.recoveryTimeout(),
                    () -> loads.probe().acked() >= acked + 20);
            double recovery = seconds(t0);
            leader.start();
            platform.cluster().awaitBrokers(3, plan.recoveryTimeout());
            platform.cluster().awaitFullIsr(Set.of(ProbeLoad.TOPIC), plan.recoveryTimeout());
            return recovery;
        }
    },

    /** SIGKILL of a worker while it holds packs and training work; a new worker joins for it. */
    WORKER_KILL("worker SIGKILL mid-batch") {
        @Override
        double inject(ChaosPlatform platform, Loads loads, ChaosPlan plan) throws Exception {
            MintJvm victim = platform.liveWorkers().get(0);
            long t0 = System.nanoTime();
            victim.kill();
            platform.startWorker();
            // recovered when every request accepted before the kill has its answer
            await("answers to the requests sent before the kill", plan.recoveryTimeout(),
                    () -> loads.inference().settledBefore(t0));
            return seconds(t0);
        }
    },

    /** SIGKILL of the catalog app and a restart from its state directory. */
    CATALOG_RESTART("catalog SIGKILL + restart (state dir)") {
        @Override
        double inject(ChaosPlatform platform, Loads loads, ChaosPlan plan) throws Exception {
            return restartCatalog(platform, loads, plan, false);
        }
    },

    /** SIGKILL of the catalog app and a restart from an empty state directory (restored from changelogs). */
    CATALOG_EMPTY_RESTART("catalog SIGKILL + restart (empty dir)") {
        @Override
        double inject(ChaosPlatform platform, Loads loads, ChaosPlan plan) throws Exception {
            return restartCatalog(platform, loads, plan, true);
        }
    },

    /** The registry stopped for the outage, then started again on its port and database. */
    REGISTRY_STOP("registry stopped") {
        @Override
        double inject(ChaosPlatform platform, Loads loads, ChaosPlan plan) throws Exception {
            platform.stopRegistry();
            Thread.sleep(plan.outage().toMillis());
            long t0 = System.nanoTime();
            platform.restartRegistry();
            long answered = loads.inference().answered();
            await("answers after the registry came back", plan.recoveryTimeout(),
                    () -> loads.inference().answered() >= answered + 3);
            return seconds(t0);
        }
    },

    /** The adapter store directory made read-only for the outage, then writable again. */
    STORE_READ_ONLY("adapter store read-only") {
        @Override
        double inject(ChaosPlatform platform, Loads loads, ChaosPlan plan) throws Exception {
            setWritable(platform.storeRoot(), false);
            try {
                Thread.sleep(plan.outage().toMillis());
            } finally {
                setWritable(platform.storeRoot(), true);
            }
            long t0 = System.nanoTime();
            int steps = loads.training().stepsApplied();
            await("a training step after the store became writable", plan.recoveryTimeout(),
                    () -> loads.training().stepsApplied() > steps || loads.training().verdict().complete());
            return seconds(t0);
        }
    };

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    /** What the fault does, for the table. */
    public String description() {
        return description;
    }

    /** Breaks, heals, and returns the recovery time in seconds. */
    abstract double inject(ChaosPlatform platform, Loads loads, ChaosPlan plan) throws Exception;

    /** The loads running while a fault is injected. */
    record Loads(ProbeLoad probe, InferenceLoad inference, TrainingCheck training) {
    }

    private static double restartCatalog(ChaosPlatform platform, Loads loads, ChaosPlan plan, boolean empty)
            throws Exception {
        MintJvm catalog = platform.service("catalog");
        long t0 = System.nanoTime();
        catalog.kill();
        if (empty) {
            deleteTree(platform.catalogStateDir());
        }
        platform.startCatalog();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI policy = URI.create(platform.connection().catalogUrl() + "/policies/" + loads.training().policyId());
        await("the restarted catalog answering for " + loads.training().policyId(), plan.recoveryTimeout(), () -> {
            try {
                return http.send(HttpRequest.newBuilder(policy).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return seconds(t0);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new ChaosException("no " + what + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    private static double seconds(long fromNanos) {
        return (System.nanoTime() - fromNanos) / 1e9;
    }

    private static void setWritable(Path root, boolean writable) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isDirectory).toList()) {
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
                if (writable) {
                    perms.add(PosixFilePermission.OWNER_WRITE);
                } else {
                    perms.remove(PosixFilePermission.OWNER_WRITE);
                }
                Files.setPosixFilePermissions(p, perms);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot change the permissions under " + root, e);
        }
    }

    /** Deletes a directory tree (nothing when it does not exist). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
