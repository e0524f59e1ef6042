package ai.mint.registry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the registry client a {@code schema.registry.url} names: {@code mock://NAME} is an in-memory registry shared
 * by everything in the JVM that names the same NAME (as Confluent's serdes do, so tests can wire serdes by config);
 * {@code http(s)://...} is the Confluent-API base URL of a real registry.
 */
public final class SchemaRegistryClients {

    /** The URL scheme of shared in-memory registries. */
    public static final String MOCK_SCHEME = "mock://";

    private static final Map<String, InMemorySchemaRegistry> MOCKS = new ConcurrentHashMap<>();
    private static final Map<String, HttpSchemaRegistryClient> HTTP = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {
    }

    /** The client for this URL; clients are shared per URL so their caches are too. */
    public static SchemaRegistryClient fromUrl(String url) {
        return fromUrl(url, (String) null);
    }

    /**
     * The client for this URL sending {@code userInfo} ({@code USER:PASSWORD}, or null for none) as basic auth;
     * shared per URL and credentials.
     */
    public static SchemaRegistryClient fromUrl(String url, String userInfo) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url is not set; `./mint up` prints the URL to use"
                    + " (http://HOST:PORT/apis/ccompat/v7), or use mock://NAME in tests");
        }
        String trimmed = url.trim();
        if (trimmed.startsWith(MOCK_SCHEME)) {
            String name = trimmed.substring(MOCK_SCHEME.length());
            return MOCKS.computeIfAbsent(name, n -> new InMemorySchemaRegistry(MOCK_SCHEME + n));
        }
        String credentials = userInfo == null || userInfo.isBlank() ? null : userInfo;
        // the key holds the credentials only in memory, so that two users of one registry get separate clients
        return HTTP.computeIfAbsent(credentials == null ? trimmed : credentials + "@" + trimmed,
                key -> new HttpSchemaRegistryClient(trimmed, credentials, HttpSchemaRegistryClient.DEFAULT_TIMEOUT));
    }

    /** A fresh HTTP client with its own timeout (not shared). */
    public static SchemaRegistryClient fromUrl(String url, Duration timeout) {
        if (url != null && url.trim().startsWith(MOCK_SCHEME)) {
            return fromUrl(url);
        }
        return new HttpSchemaRegistryClient(url, timeout);
    }

    /** Forgets the in-memory registry {@code mock://NAME}, so the next test starts empty. */
    public static void dropMock(String name) {
        MOCKS.remove(name.startsWith(MOCK_SCHEME) ? name.substring(MOCK_SCHEME.length()) : name);
    }
}
