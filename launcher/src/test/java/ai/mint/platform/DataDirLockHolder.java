package ai.mint.platform;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second process for {@link DataDirLockTest}: locks the directory given as its argument, prints {@code locked},
 * and holds the lock until its stdin closes.
 */
public final class DataDirLockHolder {

    private DataDirLockHolder() {
    }

    public static void main(String[] args) throws IOException {
        try (DataDirLock lock = DataDirLock.acquire(Path.of(args[0]))) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() != -1) {
                // hold the lock until the test closes our stdin
            }
        }
    }
}
