package ai.mint.common.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sha-256 of an artifact directory: over its regular files in name order, each as its name, a zero byte, its
 * length and its bytes. Names take part so that swapping two files' contents changes the digest. The store's own
 * manifest file is left out.
 */
public final class ArtifactDigest {

    /** File in each stored artifact that records its digest and size. */
    public static final String MANIFEST = "MINT-MANIFEST.sha256";

    private ArtifactDigest() {
    }

    /** Digest and total size of the files of {@code dir}. */
    public static StoredArtifact of(String uri, Path dir) {
        MessageDigest sha = newSha256();
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        for (Path file : files(dir)) {
            try {
                long size = Files.size(file);
                sha.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Long.toString(size).getBytes(StandardCharsets.US_ASCII));
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
                total += size;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return new StoredArtifact(uri, HexFormat.of().formatHex(sha.digest()), total);
    }

    /** The artifact's regular files, manifest excluded, sorted by name. */
    static List<Path> files(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(MANIFEST))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
