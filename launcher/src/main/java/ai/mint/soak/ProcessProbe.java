package ai.mint.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What Linux says about a process: resident memory ({@code /proc/PID/status}) and open files ({@code /proc/PID/fd}). */
final class ProcessProbe {

    private ProcessProbe() {
    }

    /** VmRSS in MiB, or NaN when the process is gone. */
    static double rssMib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not Linux
        }
        return Double.NaN;
    }

    /** Open file descriptors, or NaN when the process is gone. */
    static double openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
