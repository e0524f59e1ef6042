package ai.mint.common.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatItWroteWithTheAddressesFirstAndUnescaped() throws Exception {
        PlatformConnection written = new PlatformConnection("127.0.0.1:9092", "http://127.0.0.1:8080/apis/ccompat/v7",
                null, "http://127.0.0.1:7070", Map.of("security.protocol", "SASL_SSL",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required \\\nusername=\"a\";"));
        Path file = dir.resolve("nested/connection");

        ConnectionFile.write(written, file);

        assertThat(ConnectionFile.read(file)).contains(written);
        assertThat(Files.readAllLines(file).subList(1, 3)).containsExactly("bootstrap.servers=127.0.0.1:9092",
                "schema.registry.url=http://127.0.0.1:8080/apis/ccompat/v7");
        assertThat(Files.readString(file)).contains("kafka.security.protocol=SASL_SSL", "catalog.url=http://127.0.0.1:7070");
    }

    @Test
    void shouldKeepTheConnectUrlBesideTheConnectionWithoutChangingIt() throws Exception {
        PlatformConnection written = PlatformConnection.of("127.0.0.1:9092", "http://127.0.0.1:8080/apis/ccompat/v7");
        Path file = dir.resolve("connection");

        ConnectionFile.write(written, file, Map.of(ConnectionFile.CONNECT_URL, "http://127.0.0.1:8083"));

        assertThat(ConnectionFile.read(file)).contains(written);
        assertThat(ConnectionFile.address(file, ConnectionFile.CONNECT_URL)).contains("http://127.0.0.1:8083");
        ConnectionFile.write(written, file);
        assertThat(ConnectionFile.address(file, ConnectionFile.CONNECT_URL)).isEmpty();
    }

    @Test
    void shouldReadTheTwoLineFilesOfEarlierVersions() throws Exception {
        Path file = dir.resolve("old");
        Files.writeString(file, "# written by 'mint up'; removed when it stops\nbootstrap.servers=h:1\n"
                + "schema.registry.url=http://r/apis/ccompat/v7\n");

        assertThat(ConnectionFile.read(file)).contains(PlatformConnection.of("h:1", "http://r/apis/ccompat/v7"));
    }

    @Test
    void shouldBeEmptyWithoutAFileAndRefuseAnIncompleteOne() throws Exception {
        assertThat(ConnectionFile.read(dir.resolve("absent"))).isEmpty();

        Path partial = dir.resolve("partial");
        Files.writeString(partial, "bootstrap.servers=h:1\n");
        assertThatThrownBy(() -> ConnectionFile.read(partial))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("schema.registry.url").hasMessageContaining("./mint up");
    }

    @Test
    void shouldKeepAFileWithCredentialsToItsOwner() throws Exception {
        Path file = dir.resolve("secure");
        ConnectionFile.write(new PlatformConnection("h:1", "http://r/apis/ccompat/v7", "u:p", null,
                Map.of("sasl.jaas.config", "x")), file);

        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void shouldPrintOnlyTheTwoAddressLines() {
        String lines = ConnectionFile.addressLines(new PlatformConnection("h:1", "http://r/apis/ccompat/v7", "u:p",
                null, Map.of("sasl.jaas.config", "secret")));

        assertThat(lines.lines()).containsExactly("bootstrap.servers=h:1", "schema.registry.url=http://r/apis/ccompat/v7");
    }

    @Test
    void shouldHideSecretsWhenPrinted() {
        PlatformConnection c = new PlatformConnection("h:1", "http://r", "user:pw", null,
                Map.of("sasl.jaas.config", "password=\"hunter2\"", "security.protocol", "SASL_SSL"));

        assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("user:pw").contains("SASL_SSL");
    }
}
