package ai.mint.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemAdapterStoreTest {

    @TempDir
    Path tmp;

    private Path adapterDir(String weights) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src-" + weights.hashCode()));
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\":4}");
        Files.writeString(dir.resolve("adapter_model.safetensors"), weights);
        return dir;
    }

    @Test
    void shouldReadFileAddressesOnlyUnderTheRootOrAReadRoot() throws IOException {
        Path imports = Files.createDirectories(tmp.resolve("imports"));
        Path allowed = Files.createDirectories(imports.resolve("a1"));
        Files.writeString(allowed.resolve("adapter_config.json"), "{\"r\":4}");
        Path elsewhere = adapterDir("weights-elsewhere");
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("root"),
                FilesystemAdapterStore.DEFAULT_VERIFIED_CAPACITY, java.util.List.of(imports));

        String sha = ArtifactDigest.of("x", allowed).sha256();
        assertThat(store.open(allowed.toUri().toString(), sha)).isEqualTo(allowed);
        assertThatThrownBy(() -> store.open(elsewhere.toUri().toString(), null))
                .isInstanceOf(AdapterStoreException.class).hasMessageContaining("is outside the store root");
        // a path that climbs out of a read root is judged where it lands
        String climbing = "file://" + imports.resolve("../" + elsewhere.getFileName()).toString();
        assertThatThrownBy(() -> store.open(climbing, null)).hasMessageContaining("is outside the store root");
        assertThatThrownBy(() -> new FilesystemAdapterStore(tmp.resolve("root")).open(allowed.toUri().toString(), null))
                .hasMessageContaining("is outside the store root");
    }

    @Test
    void shouldStoreAndOpenWithTheSameDigestAsAFreshComputation() throws IOException {
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("root"));
        Path src = adapterDir("weights-1");
        StoredArtifact stored = store.put("p1", "sampler", "step-0001", src);

        assertThat(stored.uri()).isEqualTo("mint://p1/sampler/step-0001");
        assertThat(stored.sha256()).isEqualTo(ArtifactDigest.of("x", src).sha256());
        assertThat(stored.bytes()).isEqualTo(Files.size(src.resolve("adapter_config.json"))
                + Files.size(src.resolve("adapter_model.safetensors")));
        Path opened = store.open(stored.uri(), stored.sha256());
        assertThat(Files.readString(opened.resolve("adapter_model.safetensors"))).isEqualTo("weights-1");
    }

    @Test
    void shouldRefuseToLoadAnAdapterWhoseFileChangedAfterItWasStored() throws IOException {
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("root"));
        StoredArtifact stored = store.put("p1", "sampler", "r1", adapterDir("weights-1"));
        Files.writeString(store.open(stored.uri(), null).resolve("adapter_model.safetensors"), "tampered");

        assertThatThrownBy(() -> store.open(stored.uri(), null))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining(stored.sha256());
    }

    @Test
    void shouldRefuseAnExpectedDigestThatDiffersFromTheContent() throws IOException {
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("root"));
        StoredArtifact stored = store.put("p1", "sampler", "r1", adapterDir("weights-1"));
        String wrong = "0".repeat(64);

        assertThatThrownBy(() -> store.open(stored.uri(), wrong))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining(wrong);
    }

    @Test
    void shouldKeepTheFirstCopyWhenTheSameContentIsStoredTwiceAndRefuseDifferentContent() throws IOException {
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("root"));
        StoredArtifact first = store.put("p1", "state", "r1", adapterDir("weights-1"));
        StoredArtifact again = store.put("p1", "state", "r1", adapterDir("weights-1"));

        assertThat(again).isEqualTo(first);
        assertThatThrownBy(() -> store.put("p1", "state", "r1", adapterDir("weights-2")))
                .isInstanceOf(AdapterStoreException.class)
                .hasMessageContaining("already stored");
    }

    @Test
    void shouldRejectAddressesThatCouldEscapeTheRoot() {
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("root"));

        assertThatThrownBy(() -> store.open("mint://../sampler/x", null)).hasMessageContaining("policy id");
        assertThatThrownBy(() -> store.open("mint://p1/secrets/x", null)).hasMessageContaining("kind");
        assertThatThrownBy(() -> store.open("s3://bucket/x", null)).hasMessageContaining("unsupported scheme");
        assertThatThrownBy(() -> store.open("mint://p1/sampler/missing", null)).hasMessageContaining("nothing is stored");
    }

    @Test
    void shouldChangeTheDigestWhenTwoFilesSwapTheirContents() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(a.resolve("x"), "one");
        Files.writeString(a.resolve("y"), "two");
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(b.resolve("x"), "two");
        Files.writeString(b.resolve("y"), "one");

        assertThat(ArtifactDigest.of("a", a).sha256()).isNotEqualTo(ArtifactDigest.of("b", b).sha256());
    }

    @Test
    void shouldHashEachFileIdentityOnceAndAgainWhenAFileChanges() throws Exception {
        FilesystemAdapterStore store = new FilesystemAdapterStore(tmp.resolve("store"));
        StoredArtifact stored = store.put("p1", "sampler", "r1", adapterDir("weights-1"));
        store.open(stored.uri(), stored.sha256());
        store.open(stored.uri(), stored.sha256());
        store.open(stored.uri(), null);
        assertThat(store.hashes()).as("verified once for these files").isEqualTo(1);

        Path weights = store.open(stored.uri(), null).resolve("adapter_model.safetensors");
        Files.setLastModifiedTime(weights, java.nio.file.attribute.FileTime.fromMillis(12_345_000L));
        store.open(stored.uri(), stored.sha256()); // same content, another identity: hashed again, still good
        assertThat(store.hashes()).isEqualTo(2);
        assertThatThrownBy(() -> store.open(stored.uri(), "0".repeat(64)))
                .isInstanceOf(ChecksumMismatchException.class);
    }
}
