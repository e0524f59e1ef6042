package ai.mint.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The data directory lock, against a second holder in this JVM and in another process. */
class DataDirLockTest {

    @Test
    void shouldRefuseASecondHolderInThisJvmUntilTheFirstReleases(@TempDir Path dir) {
        Path data = dir.resolve("new/data");
        try (DataDirLock first = DataDirLock.acquire(data)) {
            assertThat(first.file()).isEqualTo(data.resolve(DataDirLock.FILE_NAME)).isRegularFile();
            assertThatThrownBy(() -> DataDirLock.acquire(data))
                    .isInstanceOf(PlatformException.class)
                    .hasMessageContaining(data.toString())
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("--data-dir");
        }
        // released: a later platform gets it
        DataDirLock.acquire(data).close();
    }

    @Test
    void shouldRefuseWhileAnotherProcessHoldsItAndNameThatProcess(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                DataDirLockHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");

            assertThatThrownBy(() -> DataDirLock.acquire(dir))
                    .isInstanceOf(PlatformException.class)
                    .hasMessageContaining("in use by another platform (pid " + holder.pid() + ")");
            assertThat(Files.readAllLines(dir.resolve(DataDirLock.FILE_NAME)))
                    .as("the holder's pid is left for the next refusal").isEqualTo(List.of("" + holder.pid()));

            holder.getOutputStream().close();
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).as("holder exits when its stdin closes").isTrue();
            try (DataDirLock mine = DataDirLock.acquire(dir)) {
                assertThat(Files.readAllLines(mine.file())).isEqualTo(List.of("" + ProcessHandle.current().pid()));
            }
        } finally {
            holder.destroyForcibly();
        }
    }
}
