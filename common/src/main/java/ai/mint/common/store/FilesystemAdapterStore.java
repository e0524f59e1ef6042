package ai.mint.common.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The default {@link AdapterStore}: artifacts under a root directory, {@code mint://POLICY/KIND/NAME} at
 * {@code ROOT/POLICY/KIND/NAME/}. A put copies into a temporary directory and renames it into place, so a crash
 * never leaves a half-written revision under its final name. {@code file:///ABSOLUTE/DIR} addresses a directory
 * under the root or under one of the read roots the store is given (read only; verified the same way): an address
 * that comes in an event can name nothing else on the machine. Several workers may share the root (e.g. a network mount).
 * Each file identity (directory, names, sizes, modification times) is hashed once: {@link #open} of content already
 * verified skips the hash.
 */
public final class FilesystemAdapterStore implements AdapterStore {

    /** The scheme of addresses inside the store's root. */
    public static final String SCHEME = "mint://";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final List<String> KINDS = List.of("sampler", "state");

    /** Verified file identities remembered unless told otherwise. */
    public static final int DEFAULT_VERIFIED_CAPACITY = 65_536;

    private final Path root;
    private final List<Path> readRoots;
    private final VerifiedDigests verified;
    private final java.util.concurrent.atomic.AtomicLong hashes = new java.util.concurrent.atomic.AtomicLong();

    public FilesystemAdapterStore(Path root) {
        this(root, DEFAULT_VERIFIED_CAPACITY);
    }

    /** A store that remembers up to {@code verifiedCapacity} verified file identities. */
    public FilesystemAdapterStore(Path root, int verifiedCapacity) {
        this(root, verifiedCapacity, List.of());
    }

    /** A store that also reads {@code file://} addresses under {@code readRoots} (other stores, an import area). */
    public FilesystemAdapterStore(Path root, int verifiedCapacity, List<Path> readRoots) {
        this.verified = new VerifiedDigests(verifiedCapacity);
        this.root = root.toAbsolutePath().normalize();
        this.readRoots = readRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new AdapterStoreException("cannot create adapter store root " + this.root + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public String uriOf(String policyId, String kind, String name) {
        check("policy id", policyId);
        if (!KINDS.contains(kind)) {
            throw new AdapterStoreException("artifact kind must be one of " + KINDS + ", got '" + kind + "'");
        }
        check("artifact name", name);
        return SCHEME + policyId + "/" + kind + "/" + name;
    }

    @Override
    public StoredArtifact put(String policyId, String kind, String name, Path sourceDir) {
        String uri = uriOf(policyId, kind, name);
        Path target = locate(uri);
        StoredArtifact digest = ArtifactDigest.of(uri, sourceDir);
        if (Files.isDirectory(target)) {
            return existing(uri, target, digest);
        }
        Path staging = target.resolveSibling(".staging-" + name + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            for (Path file : ArtifactDigest.files(sourceDir)) {
                Files.copy(file, staging.resolve(file.getFileName().toString()));
            }
            Files.writeString(staging.resolve(ArtifactDigest.MANIFEST), digest.sha256() + " " + digest.bytes() + "\n",
                    StandardCharsets.US_ASCII);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
            return digest;
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteQuietly(staging);
            return existing(uri, target, digest); // another writer won the race; same content is fine
        } catch (IOException e) {
            deleteQuietly(staging);
            throw new AdapterStoreException("cannot store " + uri + " under " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path open(String uri, String expectedSha256) {
        Path dir = locate(uri);
        if (!Files.isDirectory(dir)) {
            throw new AdapterStoreException("nothing is stored at " + uri + " (looked in " + dir + ")");
        }
        String identity = VerifiedDigests.identity(dir);
        String known = verified.get(identity);
        if (known != null && (expectedSha256 == null || expectedSha256.equalsIgnoreCase(known))) {
            return dir; // these very files were verified before
        }
        hashes.incrementAndGet();
        StoredArtifact actual = ArtifactDigest.of(uri, dir);
        String recorded = recordedDigest(dir);
        if (recorded != null && !recorded.equalsIgnoreCase(actual.sha256())) {
            throw new ChecksumMismatchException(uri, recorded, actual.sha256());
        }
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(actual.sha256())) {
            throw new ChecksumMismatchException(uri, expectedSha256, actual.sha256());
        }
        if (recorded == null && expectedSha256 == null) {
            throw new AdapterStoreException(uri + " has no recorded sha-256 and none was given, so it cannot be verified");
        }
        verified.put(identity, actual.sha256());
        return dir;
    }

    /** Artifact directories hashed so far (a verified identity opened again is not counted). */
    public long hashes() {
        return hashes.get();
    }

    @Override
    public boolean contains(String uri) {
        return Files.isDirectory(locate(uri));
    }

    @Override
    public List<String> names(String policyId, String kind) {
        Path dir = locate(uriOf(policyId, kind, "any")).getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")) // staging and removal directories
                    .sorted().toList();
        } catch (IOException e) {
            throw new AdapterStoreException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String uri) {
        Path dir = locate(uri);
        if (!Files.isDirectory(dir)) {
            throw new AdapterStoreException("nothing is stored at " + uri + " to delete");
        }
        Path doomed = dir.resolveSibling(".removing-" + dir.getFileName() + "-" + UUID.randomUUID());
        try {
            try {
                Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(dir, doomed);
            }
        } catch (IOException e) {
            throw new AdapterStoreException("cannot delete " + uri + ": " + e.getMessage(), e);
        }
        deleteQuietly(doomed);
    }

    /** The directory an address names; refuses addresses that could leave the root. */
    public Path locate(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new AdapterStoreException("adapter address is empty; expected mint://POLICY/KIND/NAME or file:///DIR");
        }
        if (uri.startsWith(SCHEME)) {
            String[] parts = uri.substring(SCHEME.length()).split("/", -1);
            if (parts.length != 3) {
                throw new AdapterStoreException("adapter address '" + uri + "' must look like mint://POLICY/KIND/NAME");
            }
            return root.resolve(uriOf(parts[0], parts[1], parts[2]).substring(SCHEME.length()));
        }
        if (uri.startsWith("file:")) {
            Path dir;
            try {
                dir = Path.of(URI.create(uri)).toAbsolutePath().normalize();
            } catch (IllegalArgumentException e) {
                throw new AdapterStoreException("adapter address '" + uri + "' is not a valid file URI: " + e.getMessage());
            }
            if (!dir.startsWith(root) && readRoots.stream().noneMatch(dir::startsWith)) {
                throw new AdapterStoreException("adapter address '" + uri + "' is outside the store root " + root
                        + (readRoots.isEmpty() ? "" : " and the read roots " + readRoots)
                        + "; a worker reads adapters only there (setting adapter.store.read.roots)");
            }
            return dir;
        }
        throw new AdapterStoreException("adapter address '" + uri + "' has an unsupported scheme; expected mint:// or file://");
    }

    private StoredArtifact existing(String uri, Path target, StoredArtifact wanted) {
        String recorded = recordedDigest(target);
        if (!wanted.sha256().equalsIgnoreCase(recorded)) {
            throw new AdapterStoreException(uri + " is already stored with sha-256 " + recorded
                    + "; refusing to replace it with different content " + wanted.sha256());
        }
        return wanted;
    }

    /** The digest recorded when the artifact in {@code dir} was stored, or null when there is none. */
    public static String recordedDigest(Path dir) {
        Path manifest = dir.resolve(ArtifactDigest.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return null;
        }
        try {
            String line = Files.readString(manifest, StandardCharsets.US_ASCII).trim();
            int space = line.indexOf(' ');
            return space < 0 ? line : line.substring(0, space);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
    }

    private static void check(String what, String value) {
        if (value == null || !SAFE.matcher(value).matches() || value.contains("..")) {
            throw new AdapterStoreException(what + " '" + value + "' must match " + SAFE.pattern() + " without '..'");
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover staging directory is never read
        }
    }
}
