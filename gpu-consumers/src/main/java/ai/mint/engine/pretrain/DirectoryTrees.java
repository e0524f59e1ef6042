package ai.mint.engine.pretrain;

import ai.mint.engine.EngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing directory trees (temporary downloads, superseded checkpoints). */
final class DirectoryTrees {

    private DirectoryTrees() {
    }

    /** Deletes {@code dir} and everything under it; nothing happens when it does not exist. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new EngineException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
