package ai.mint.gateway.auth;

import ai.mint.gateway.openai.ApiError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys and the tenants they act for, read once from a JSON file ({@code --api-keys FILE}):
 * <pre>
 * {"keys": [
 *   {"tenant": "acme", "sha256": "9f86d081884c7d65...", "expires_at": "2027-01-01T00:00:00Z"},
 *   {"tenant": "dev",  "key": "sk-dev-only"},
 *   {"tenant": "globex", "sha256": "...", "kafka_config": "tenants/globex.properties"}
 * ]}
 * </pre>
 * {@code sha256} is the hex SHA-256 of the key (production: the file holds no secret; {@code printf %s KEY |
 * sha256sum}); {@code key} is the key itself (development only). {@code expires_at} is optional. Keys are looked up
 * by their hash, so no key is compared character by character. {@code kafka_config} (optional) makes the tenant a
 * {@link Tenant#onBroker() broker tenant}: the Kafka client file {@code mint tenant add} wrote for it, relative to the
 * key file's folder unless absolute; every key of one tenant names the same file. Without a file the gateway is open: every request acts
 * for {@link Tenant#OPEN}.
 */
public final class ApiKeys {

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(Tenant tenant, Instant expiresAt) {
    }

    private final Map<String, Entry> byHash;
    private final int plainKeys;

    private ApiKeys(Map<String, Entry> byHash, int plainKeys) {
        this.byHash = byHash;
        this.plainKeys = plainKeys;
    }

    /** No keys: every request is the open tenant's. */
    public static ApiKeys open() {
        return new ApiKeys(null, 0);
    }

    /** Reads a key file; a malformed one fails naming the entry and the field. */
    public static ApiKeys read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the API key file " + file + ": " + e.getMessage(), e);
        }
        JsonNode keys = root == null ? null : root.get("keys");
        if (keys == null || !keys.isArray()) {
            throw new IllegalArgumentException("API key file " + file + ": expected {\"keys\": [...]}");
        }
        Map<String, Entry> byHash = new HashMap<>();
        Map<String, Tenant> tenants = new HashMap<>();
        int plain = 0;
        for (int i = 0; i < keys.size(); i++) {
            JsonNode k = keys.get(i);
            String at = file + ": keys[" + i + "]";
            String tenant = text(k, "tenant", at);
            if (tenant == null || tenant.isBlank()) {
                throw new IllegalArgumentException(at + ": 'tenant' is required");
            }
            String hash = text(k, "sha256", at);
            String key = text(k, "key", at);
            if ((hash == null) == (key == null)) {
                throw new IllegalArgumentException(at + ": give exactly one of 'sha256' (hex SHA-256 of the key) or"
                        + " 'key' (the key itself, for development)");
            }
            if (hash != null && !HEX_SHA256.matcher(hash).matches()) {
                throw new IllegalArgumentException(at + ": 'sha256' must be 64 lower-case hex digits");
            }
            if (key != null) {
                plain++;
                hash = sha256(key);
            }
            Instant expires = null;
            String expiresAt = text(k, "expires_at", at);
            if (expiresAt != null) {
                try {
                    expires = Instant.parse(expiresAt);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(at + ": 'expires_at' must be an ISO-8601 instant such as "
                            + "2027-01-01T00:00:00Z, got '" + expiresAt + "'");
                }
            }
            Tenant who = tenant(tenant, text(k, "kafka_config", at), file, at);
            Tenant before = tenants.putIfAbsent(tenant, who);
            if (before != null && !before.equals(who)) {
                throw new IllegalArgumentException(at + ": tenant '" + tenant + "' has another key with "
                        + (before.onBroker() ? "'kafka_config' " + before.kafkaConfig() : "no 'kafka_config'")
                        + "; every key of one tenant names the same Kafka client file, or none");
            }
            if (byHash.put(hash, new Entry(who, expires)) != null) {
                throw new IllegalArgumentException(at + ": the same key is listed twice");
            }
        }
        return new ApiKeys(Map.copyOf(byHash), plain);
    }

    /** The tenant of one entry; one with a {@code kafka_config} must name a readable file and a platform tenant. */
    private static Tenant tenant(String id, String kafkaConfig, Path keyFile, String at) {
        if (kafkaConfig == null) {
            return new Tenant(id);
        }
        Optional<String> problem = ai.mint.topics.Tenant.problem(id);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(at + ": " + problem.get() + " (a tenant with a 'kafka_config' is a "
                    + "principal of the platform, named as 'mint tenant add' named it)");
        }
        Path folder = keyFile.toAbsolutePath().getParent();
        Path config = folder.resolve(kafkaConfig);
        if (!Files.isRegularFile(config) || !Files.isReadable(config)) {
            throw new IllegalArgumentException(at + ": 'kafka_config' " + config + " is not a readable file (the "
                    + "client file 'mint tenant add " + id + "' wrote)");
        }
        return new Tenant(id, config);
    }

    /** Whether requests need a key at all. */
    public boolean isOpen() {
        return byHash == null;
    }

    /** How many keys the file holds in plain text (worth a warning outside development). */
    public int plainKeys() {
        return plainKeys;
    }

    /**
     * The tenant an {@code Authorization} header acts for at {@code now}.
     *
     * @throws ApiError 401 when the key is missing, unknown or expired
     */
    public Tenant authenticate(String authorization, Instant now) {
        if (isOpen()) {
            return Tenant.OPEN;
        }
        if (authorization == null || authorization.isBlank()) {
            throw ApiError.unauthorized("Missing API key: send the header 'Authorization: Bearer YOUR_KEY'");
        }
        String value = authorization.trim();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("The Authorization header must be 'Bearer YOUR_KEY'");
        }
        Entry entry = byHash.get(sha256(value.substring(7).trim()));
        if (entry == null) {
            throw ApiError.unauthorized("Incorrect API key provided");
        }
        if (entry.expiresAt() != null && !now.isBefore(entry.expiresAt())) {
            throw ApiError.unauthorized("The API key expired at " + entry.expiresAt());
        }
        return entry.tenant();
    }

    /** The hex SHA-256 of a key, as the key file's {@code sha256} holds it. */
    public static String sha256(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(at + ": '" + field + "' must be a string");
        }
        return value.textValue();
    }
}
