package ai.mint.common.store;

/**
 * What the store recorded about one artifact.
 *
 * @param uri    its address ({@code mint://POLICY/KIND/NAME})
 * @param sha256 hex sha-256 of its content, see {@link ArtifactDigest}
 * @param bytes  total size of its files
 */
public record StoredArtifact(String uri, String sha256, long bytes) {
}
