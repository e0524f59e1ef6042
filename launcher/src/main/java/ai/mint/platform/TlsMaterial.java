package ai.mint.platform;

import ai.mint.common.io.PropertiesFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded broker's TLS key pair and the trust store its clients check it with: a self-signed certificate for
 * {@code 127.0.0.1} / {@code localhost} (so clients verify the host name as usual), made once with the JDK's own
 * {@code keytool} into PKCS12 files.
 *
 * @param keyStore   the broker's private key and certificate
 * @param trustStore the certificate alone, for clients
 * @param password   of both stores
 */
public record TlsMaterial(Path keyStore, Path trustStore, String password) {

    /** The store type of both files. */
    public static final String STORE_TYPE = "PKCS12";
    private static final String ALIAS = "mint-broker";
    private static final long KEYTOOL_TIMEOUT_S = 60;
    private static final String PASSWORD_VARIABLE = "MINT_TLS_STORE_PASSWORD";

    /** The stores in {@code dir}, made there first if they are not. */
    static TlsMaterial inDirectory(Path dir, String password) {
        TlsMaterial tls = new TlsMaterial(dir.resolve("broker-keystore.p12"), dir.resolve("truststore.p12"), password);
        if (!Files.isRegularFile(tls.keyStore) || !Files.isRegularFile(tls.trustStore)) {
            tls.generate();
        }
        return tls;
    }

    private void generate() {
        Path certificate = keyStore.resolveSibling("broker-certificate.pem");
        try {
            Files.deleteIfExists(keyStore);
            Files.deleteIfExists(trustStore);
            // EC P-256: a key in milliseconds (RSA 2048 takes seconds on a busy machine), accepted by every TLS 1.3 peer
            keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                    "-dname", "CN=localhost, O=MinT embedded platform", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                    "-keystore", keyStore.toString(), "-storetype", STORE_TYPE, "-storepass:env", PASSWORD_VARIABLE,
                    "-keypass:env", PASSWORD_VARIABLE);
            keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(), "-storetype", STORE_TYPE,
                    "-storepass:env", PASSWORD_VARIABLE, "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", certificate.toString(),
                    "-keystore", trustStore.toString(), "-storetype", STORE_TYPE, "-storepass:env", PASSWORD_VARIABLE);
            PropertiesFiles.restrictToOwner(keyStore);
            PropertiesFiles.restrictToOwner(trustStore);
        } catch (IOException e) {
            throw new PlatformException("cannot make the broker's TLS certificate in " + keyStore.getParent() + ": "
                    + e.getMessage(), e);
        }
    }

    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // through the environment: a password on the command line would show in every local user's process list
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new PlatformException("keytool " + args[0] + " did not finish within " + KEYTOOL_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while making the broker's TLS certificate");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
            throw new PlatformException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
        }
    }
}
