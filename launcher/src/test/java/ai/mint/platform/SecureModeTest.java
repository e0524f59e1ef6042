package ai.mint.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecureModeTest {

    @Test
    void shouldKeepTheSecretsOfADataDirectoryAcrossRestartsAndShowThemToItsOwnerOnly(@TempDir Path dataDir)
            throws Exception {
        SecureMode first = SecureMode.prepare(dataDir);
        SecureMode again = SecureMode.prepare(dataDir);

        assertThat(again.adminPassword()).isEqualTo(first.adminPassword()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(again.servicePassword()).isEqualTo(first.servicePassword()).isNotEqualTo(first.adminPassword());
        assertThat(again.registryReaderPassword()).isEqualTo(first.registryReaderPassword());
        assertThat(Files.getPosixFilePermissions(first.directory()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(first.tls().keyStore()))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(SecureMode.isSecure(dataDir)).isTrue();
    }

    @Test
    void shouldTrustTheBrokersOwnCertificateForItsLoopbackAddress(@TempDir Path dataDir) throws Exception {
        TlsMaterial tls = SecureMode.prepare(dataDir).tls();
        KeyStore keys = load(tls.keyStore(), tls.password());
        KeyStore trust = load(tls.trustStore(), tls.password());

        X509Certificate served = (X509Certificate) keys.getCertificate(keys.aliases().nextElement());
        X509Certificate trusted = (X509Certificate) trust.getCertificate(trust.aliases().nextElement());
        assertThat(trusted).isEqualTo(served);
        List<String> names = served.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        assertThat(names).contains("127.0.0.1", "localhost");
        assertThat(trust.isKeyEntry(trust.aliases().nextElement())).as("the trust store holds no private key").isFalse();
    }

    @Test
    void shouldRefuseToOpenASecureDirectoryWithoutSecureModeAndTheReverse(@TempDir Path root) throws Exception {
        Path secured = root.resolve("secured");
        SecureMode.prepare(secured);
        assertThatThrownBy(() -> SecureMode.refuseInsecureStart(secured))
                .isInstanceOf(PlatformException.class).hasMessageContaining("--secure");

        Path open = root.resolve("open");
        Files.createDirectories(open.resolve("kafka"));
        Files.writeString(open.resolve("kafka").resolve("meta.properties"), "version=1\n");
        SecureMode.refuseInsecureStart(open);
        assertThatThrownBy(() -> SecureMode.prepare(open))
                .isInstanceOf(PlatformException.class).hasMessageContaining("without --secure");
        assertThatThrownBy(() -> SecureMode.open(open))
                .isInstanceOf(PlatformException.class).hasMessageContaining("not secured");
    }

    @Test
    void shouldGiveClientsScramOverTlsWithTheirOwnName(@TempDir Path dataDir) {
        SecureMode secure = SecureMode.prepare(dataDir);
        assertThat(secure.clientProperties("acme", "pw"))
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"acme\" password=\"pw\";")
                .containsEntry("ssl.truststore.location", secure.tls().trustStore().toString());
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance(TlsMaterial.STORE_TYPE);
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
