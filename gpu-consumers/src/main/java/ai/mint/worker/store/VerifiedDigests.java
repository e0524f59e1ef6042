package ai.mint.worker.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Remembers which artifact directories have been verified, by file identity: the directory, and each file's name,
 * size and modification time. An adapter read again (after an eviction, by another request) is then not hashed again;
 * a file that changes in any of those ways is hashed anew. Bounded: the least recently verified are forgotten first.
 */
final class VerifiedDigests {

    private final int capacity;
    private final Map<String, String> verified;

    VerifiedDigests(int capacity) {
        this.capacity = capacity;
        this.verified = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > VerifiedDigests.this.capacity;
            }
        };
    }

    /** The identity of {@code dir}'s files now (manifest included: a changed record is a changed artifact). */
    static String identity(Path dir) {
        StringBuilder id = new StringBuilder(dir.toString());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    id.append('|').append(f.getFileName()).append(':').append(a.size()).append(':')
                            .append(a.lastModifiedTime().toMillis());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return id.toString();
    }

    /** The digest verified for this identity, or null. */
    synchronized String get(String identity) {
        return verified.get(identity);
    }

    synchronized void put(String identity, String sha256) {
        verified.put(identity, sha256);
    }

    synchronized int size() {
        return verified.size();
    }
}
