package ai.mint.training.bench;

import ai.mint.training.TrainingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A benchmark's child JVM never outlives the wait for it. */
class TrainingBenchSupportTest {

    @TempDir
    Path dir;

    /** A child that reports its pid and then never finishes. */
    public static final class SleepingChild {
        public static void main(String[] args) throws Exception {
            Files.writeString(Path.of(args[0]), Long.toString(ProcessHandle.current().pid()));
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static long awaitChildPid(Path pidFile) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> Files.isRegularFile(pidFile) && Files.size(pidFile) > 0);
        return Long.parseLong(readQuietly(pidFile).trim());
    }

    /** False once the process has exited (it may already have been reaped, then the pid is unknown). */
    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldKillAChildThatRunsPastItsTimeout() {
        Path pidFile = dir.resolve("pid");
        assertThatThrownBy(() -> TrainingBenchSupport.runChild(SleepingChild.class, List.of(pidFile.toString()),
                Duration.ofSeconds(8)))
                .isInstanceOf(TrainingException.class).hasMessageContaining("did not finish within");
        long pid = awaitChildPid(pidFile); // it did start, and ran until the timeout
        await().atMost(10, TimeUnit.SECONDS).until(() -> !alive(pid));
    }

    @Test
    void shouldKillTheChildWhenTheWaitingThreadIsInterrupted() throws Exception {
        Path pidFile = dir.resolve("pid");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                TrainingBenchSupport.runChild(SleepingChild.class, List.of(pidFile.toString()), Duration.ofMinutes(5));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        waiter.start();
        long pid = awaitChildPid(pidFile);
        waiter.interrupt();
        waiter.join(10_000);
        try {
            assertThat(waiter.isAlive()).as("runChild returned after the interrupt").isFalse();
            assertThat(failure.get()).isInstanceOf(TrainingException.class).hasMessageContaining("interrupted");
            await().atMost(10, TimeUnit.SECONDS).until(() -> !alive(pid));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // never leave a JVM behind
        }
    }
}
