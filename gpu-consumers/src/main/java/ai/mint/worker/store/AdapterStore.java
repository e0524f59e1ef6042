package ai.mint.worker.store;

import java.nio.file.Path;
import java.util.List;

/**
 * Durable storage of adapter revisions and trainer states, addressed by URI. Every artifact is a directory of files
 * (a PEFT adapter, a training state) stored with its sha-256; {@link #open} verifies that digest before any load (a
 * file identity already verified is not hashed again), so a corrupted or swapped file is refused instead of served.
 * Implementations: {@link FilesystemAdapterStore} (the default); an S3-compatible store would download into a local
 * cache in {@link #open}.
 */
public interface AdapterStore {

    /**
     * Stores the files of {@code sourceDir} under {@code mint://POLICY/KIND/NAME}, replacing nothing: storing the same
     * address twice keeps the first copy when its digest is the same, and is an error otherwise.
     *
     * @param kind {@code sampler} (adapter only) or {@code state} (adapter + optimizer, for resuming)
     */
    StoredArtifact put(String policyId, String kind, String name, Path sourceDir);

    /**
     * A local directory holding the artifact, after checking its digest against the one recorded when it was stored
     * and, when {@code expectedSha256} is not null, against that one too.
     *
     * @throws ChecksumMismatchException when the content does not match
     * @throws AdapterStoreException     when the URI is malformed or names nothing stored
     */
    Path open(String uri, String expectedSha256);

    /** Whether something is stored at {@code uri} (no verification). */
    boolean contains(String uri);

    /** The address an artifact of this policy, kind and name has (or would have) in this store. */
    String uriOf(String policyId, String kind, String name);

    /** The names of the policy's stored artifacts of one kind, sorted (e.g. for listing checkpoints). */
    List<String> names(String policyId, String kind);

    /**
     * Removes the artifact at {@code uri} (renamed away first, so no reader opens half of it).
     *
     * @throws AdapterStoreException when nothing is stored there
     */
    void delete(String uri);
}
