package ai.mint.platform;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.io.PropertiesFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * The embedded platform's secure mode ({@code mint up --secure}): the admin's password (the broker's super user, also
 * the registry's and the catalog's admin), the registry's shared read-only account for tenants, and the broker's TLS
 * material. Made once per data directory under {@code DATA_DIR/security} (readable by its owner only) and reused on
 * every restart, since the admin's SCRAM credential is written into the KRaft log when it is formatted. A data
 * directory is secure or not for its whole life: starting it the other way is refused, naming the fix.
 */
public final class SecureMode {

    /** The super user of the broker and the admin of the registry and the catalog. */
    public static final String ADMIN = "admin";
    /** The registry account every tenant shares: it may read schemas, not register them. */
    public static final String REGISTRY_READER = "mint-reader";
    /** The registry account of the platform's services: may register schemas, not change the registry's settings. */
    public static final String REGISTRY_SERVICE = TenantAccess.SERVICE;
    /** The SASL mechanism of the client listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** The client listener's protocol: SCRAM over TLS. */
    public static final String PROTOCOL = "SASL_SSL";

    private static final String DIRECTORY = "security";
    private static final String SECRETS = "secrets.properties";
    private static final String ADMIN_PASSWORD = "admin.password";
    private static final String READER_PASSWORD = "registry.reader.password";
    private static final String TLS_PASSWORD = "tls.store.password";
    private static final String SERVICE_PASSWORD = "service.password";
    private static final String TENANTS = "tenants";
    private static final String SCHEMA_REGISTRY_USER_INFO = PlatformConnection.SCHEMA_REGISTRY_USER_INFO;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final String adminPassword;
    private final String registryReaderPassword;
    private final String servicePassword;
    private final TlsMaterial tls;

    private SecureMode(Path directory, String adminPassword, String registryReaderPassword, String servicePassword,
                       TlsMaterial tls) {
        this.directory = directory;
        this.adminPassword = adminPassword;
        this.registryReaderPassword = registryReaderPassword;
        this.servicePassword = servicePassword;
        this.tls = tls;
    }

    /** Whether the data directory was made for secure mode. */
    public static boolean isSecure(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve(DIRECTORY).resolve(SECRETS));
    }

    /**
     * The secure mode of {@code dataDir}: its secrets and TLS material, made now if the directory is new. A data
     * directory whose broker was formatted without secure mode cannot become secure (the admin's credential is missing
     * from its log), so that is refused.
     */
    public static SecureMode prepare(Path dataDir) {
        Path dir = dataDir.resolve(DIRECTORY).toAbsolutePath();
        Path secretsFile = dir.resolve(SECRETS);
        try {
            if (!Files.isRegularFile(secretsFile)) {
                if (Files.exists(dataDir.resolve("kafka").resolve("meta.properties"))) {
                    throw new PlatformException("the data directory " + dataDir + " was started without --secure: its "
                            + "broker has no admin credential; start it without --secure, or use a new --data-dir");
                }
                Files.createDirectories(dir);
                PropertiesFiles.restrictToOwner(dir);
                Map<String, String> fresh = new LinkedHashMap<>();
                fresh.put(ADMIN_PASSWORD, newPassword());
                fresh.put(READER_PASSWORD, newPassword());
                fresh.put(TLS_PASSWORD, newPassword());
                fresh.put(SERVICE_PASSWORD, newPassword());
                PropertiesFiles.write(secretsFile, "secrets of 'mint up --secure' on this data directory", fresh, true);
            }
            Map<String, String> secrets = PropertiesFiles.read(secretsFile,
                    problem -> new PlatformException("the secure-mode secrets " + secretsFile + ": " + problem));
            TlsMaterial tls = TlsMaterial.inDirectory(dir, require(secrets, TLS_PASSWORD, secretsFile));
            return new SecureMode(dir, require(secrets, ADMIN_PASSWORD, secretsFile),
                    require(secrets, READER_PASSWORD, secretsFile), require(secrets, SERVICE_PASSWORD, secretsFile),
                    tls);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare secure mode in " + dir, e);
        }
    }

    /** The secure mode of a data directory made with {@code --secure}; refused, naming the fix, for any other. */
    public static SecureMode open(Path dataDir) {
        if (!isSecure(dataDir)) {
            throw new PlatformException("the data directory " + dataDir + " is not secured: start the platform with "
                    + "'mint up --secure' (on a new --data-dir) first");
        }
        return prepare(dataDir);
    }

    /** Refuses a secure data directory started without {@code --secure}: that would open it to anyone. */
    public static void refuseInsecureStart(Path dataDir) {
        if (isSecure(dataDir)) {
            throw new PlatformException("the data directory " + dataDir + " was made with --secure: start it with "
                    + "--secure (its data stays protected), or use a new --data-dir");
        }
    }

    private static String require(Map<String, String> secrets, String key, Path file) {
        String value = secrets.get(key);
        if (value == null || value.isBlank()) {
            throw new PlatformException("the secure-mode secrets " + file + " lack " + key + "; restore the file or "
                    + "use a new --data-dir");
        }
        return value;
    }

    /** A random password of URL-safe characters (nothing a JAAS or properties file would need to escape). */
    public static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String adminPassword() {
        return adminPassword;
    }

    public String registryReaderPassword() {
        return registryReaderPassword;
    }

    /** The password of the service principal ({@link TenantAccess#SERVICE}), on the broker and the registry. */
    public String servicePassword() {
        return servicePassword;
    }

    public TlsMaterial tls() {
        return tls;
    }

    /** Where the secrets, TLS stores and tenant files live. */
    public Path directory() {
        return directory;
    }

    /** {@code admin:PASSWORD}, for the registry and the catalog. */
    public String adminUserInfo() {
        return ADMIN + ":" + adminPassword;
    }

    /** The Kafka client properties of the admin. */
    public Map<String, String> adminClientProperties() {
        return clientProperties(ADMIN, adminPassword);
    }

    /**
     * Writes a client's properties file (owner-only), as {@code --kafka-config FILE} or {@code $MINT_KAFKA_CONFIG}
     * take it: its Kafka client properties, its registry credentials and, for the services, the catalog's.
     */
    public static void writeClientFile(Path file, String comment, Map<String, String> kafka, String registryUserInfo,
                                       String catalogUserInfo) {
        Map<String, String> lines = new TreeMap<>(kafka);
        lines.put(SCHEMA_REGISTRY_USER_INFO, registryUserInfo);
        if (catalogUserInfo != null) {
            lines.put(PlatformConnection.CATALOG_USER_INFO, catalogUserInfo);
        }
        PropertiesFiles.write(file, comment, lines, true);
    }

    /** Where the client file of {@code tenant} lives: {@code DATA_DIR/security/tenants/NAME.properties}. */
    public Path tenantFile(String tenant) {
        return directory.resolve(TENANTS).resolve(tenant + ".properties");
    }

    /** Where the service principal's client file lives. */
    public Path serviceFile() {
        return directory.resolve(TenantAccess.SERVICE + ".properties");
    }

    /** {@code mint-reader:PASSWORD}: the registry account of tenants. */
    public String registryReaderUserInfo() {
        return REGISTRY_READER + ":" + registryReaderPassword;
    }

    /** {@code mint-service:PASSWORD}: the registry account of the services. */
    public String serviceUserInfo() {
        return REGISTRY_SERVICE + ":" + servicePassword;
    }

    /**
     * The one credential of the catalog's query API ({@code catalog.basic.auth.user.info}): the services', which the
     * catalog asks for and the admin's connection carries too. Tenants do not get it: the catalog lists every
     * tenant's policies.
     */
    public String catalogUserInfo() {
        return serviceUserInfo();
    }

    /** The Kafka client properties of {@code user}: SCRAM over TLS, trusting the broker's certificate. */
    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> p = new TreeMap<>();
        p.put("security.protocol", PROTOCOL);
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaas(ScramLoginModule.class.getName(), user, password, ""));
        p.put("ssl.truststore.location", tls.trustStore().toString());
        p.put("ssl.truststore.type", TlsMaterial.STORE_TYPE);
        p.put("ssl.truststore.password", tls.password());
        return p;
    }

    /** A JAAS line for a login module; passwords are URL-safe, user names checked, so nothing needs escaping. */
    static String jaas(String loginModule, String user, String password, String extra) {
        return loginModule + " required username=\"" + user + "\" password=\"" + password + "\"" + extra + ";";
    }
}
