package ai.mint.training.checkpoint;

import ai.mint.api.SavedCheckpoint;
import ai.mint.training.TrainingException;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * What a checkpoint directory says about itself, in a small properties file beside its weights: its address and
 * kind, the size and sha-256 of its weights file, when it was saved, when its time to live ends, and the policy's
 * state version it holds. Written by the in-process API and the worker alike, so that listing, expiry and deletion
 * read one format.
 */
public record CheckpointMetadata(String uri, SavedCheckpoint.Kind kind, long bytes, String sha256, Instant createdAt,
                                 Instant expiresAt, long stateVersion) {

    /** The file in every checkpoint directory. */
    public static final String FILE = "mint-checkpoint.properties";

    /** Metadata of a checkpoint saved {@code now}, kept for {@code ttl} (null: no limit). */
    public static CheckpointMetadata of(CheckpointUri uri, long bytes, String sha256, Instant now, Duration ttl,
                                        long stateVersion) {
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new TrainingException("checkpoint time to live must be > 0, got " + ttl);
        }
        return new CheckpointMetadata(uri.toString(), SavedCheckpoint.Kind.ofPathName(uri.kind()), bytes, sha256, now,
                ttl == null ? null : now.plus(ttl), stateVersion);
    }

    /** Whether the time to live has ended at {@code now}. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public SavedCheckpoint toSaved() {
        return new SavedCheckpoint(uri, kind, bytes, sha256, createdAt, expiresAt);
    }

    /** Writes the file into {@code dir}. */
    public void write(Path dir) {
        Properties p = new Properties();
        p.setProperty("uri", uri);
        p.setProperty("kind", kind.pathName());
        p.setProperty("bytes", Long.toString(bytes));
        p.setProperty("sha256", sha256);
        p.setProperty("created_at", Long.toString(createdAt.toEpochMilli()));
        if (expiresAt != null) {
            p.setProperty("expires_at", Long.toString(expiresAt.toEpochMilli()));
        }
        p.setProperty("state_version", Long.toString(stateVersion));
        try (Writer w = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            p.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }

    /** The metadata of the checkpoint in {@code dir}, or empty when it has none (not a checkpoint of this API). */
    public static Optional<CheckpointMetadata> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            String expires = p.getProperty("expires_at");
            return Optional.of(new CheckpointMetadata(p.getProperty("uri"),
                    SavedCheckpoint.Kind.ofPathName(p.getProperty("kind")), Long.parseLong(p.getProperty("bytes")),
                    p.getProperty("sha256"), Instant.ofEpochMilli(Long.parseLong(p.getProperty("created_at"))),
                    expires == null ? null : Instant.ofEpochMilli(Long.parseLong(expires)),
                    Long.parseLong(p.getProperty("state_version", "0"))));
        } catch (RuntimeException e) {
            throw new TrainingException(file + " is not a checkpoint description: " + e.getMessage(), e);
        }
    }
}
