package ai.mint.common.catalog.lookup;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;

import ai.mint.common.catalog.CatalogApi;
import ai.mint.common.catalog.CatalogKeys;
import ai.mint.common.catalog.PolicyFilter;
import ai.mint.common.catalog.PolicySummary;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMoved;
import ai.mint.events.PolicyStatus;
import ai.mint.events.RevisionInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Finds policies and revisions by key through the catalog's query API, for processes that must not hold the whole
 * catalog (a worker serving 10 policies out of 10^6 holds those 10). Entries and revisions are kept in a bounded LRU
 * cache; with {@link Builder#followChanges} the cache is kept fresh from the catalog's compacted topics (a pointer
 * move reaches it within the catalog's commit interval plus one poll), otherwise a cached value is reloaded once it is
 * older than {@link Builder#maxAge}. Listings, counts and pages of revisions or moves are never cached.
 *
 * <p>The per-policy methods mirror the worker's {@code CatalogFollower} ({@link #entry}, {@link #awaitEntry},
 * {@link #servingRevision}, {@link #revision}, {@link #isActive}), so a process can swap one for the other. Thread-safe.
 */
public final class CatalogLookup implements AutoCloseable {

    private final CatalogHttp http;
    private final VersionedCache<CatalogEntry> entries;
    private final VersionedCache<CatalogRevision> revisions;
    private final ChangeFollower follower;
    private final long maxAgeNanos;
    private final ObjectMapper json = new ObjectMapper();

    private CatalogLookup(Builder b) {
        this.http = new CatalogHttp(b.urls, b.timeout, b.userInfo);
        this.entries = new VersionedCache<>(b.capacity);
        this.revisions = new VersionedCache<>(b.capacity);
        this.follower = b.changes == null ? null : new ChangeFollower(KafkaClients.of(b.changes),
                b.changes.registry(), b.clientId, entries, revisions);
        // followed changes keep cached values current; without them a value is trusted for a short while only
        this.maxAgeNanos = b.maxAge == null ? (follower != null ? -1 : Duration.ofSeconds(1).toNanos())
                : b.maxAge.toNanos();
    }

    /** A lookup asking the catalog at these base URLs (any instance answers for all; the next is tried on failure). */
    public static Builder builder(String... catalogUrls) {
        return new Builder(List.of(catalogUrls));
    }

    /** The policy's entry: its spec, serving pointer and newest revisions; empty when the catalog has no such policy. */
    public Optional<CatalogEntry> entry(String policyId) {
        return entries.getOrLoad(policyId, maxAgeNanos, () -> http.get(path(policyId))
                .map(body -> {
                    CatalogEntry entry = CatalogJson.read(body, CatalogEntry.class);
                    return new VersionedCache.Versioned<>(entry, entry.getVersion());
                }));
    }

    /** The policy's entry, asking again until it exists or {@code wait} has passed (it may have just been created). */
    public Optional<CatalogEntry> awaitEntry(String policyId, Duration wait) {
        return awaitEntry(policyId, Long.MIN_VALUE, wait);
    }

    /**
     * The policy's entry at {@code minVersion} or newer, asking the catalog again (past the cache) until it has one or
     * {@code wait} has passed; then whatever is known, possibly older. A caller that has seen version N of an entry
     * elsewhere gets at least N (read-your-writes).
     */
    public Optional<CatalogEntry> awaitEntry(String policyId, long minVersion, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 20;
        while (true) {
            Optional<CatalogEntry> found = entry(policyId);
            boolean current = found.isPresent() && found.get().getVersion() >= minVersion;
            if (current || System.nanoTime() >= deadline) {
                return found;
            }
            if (found.isPresent()) {
                entries.invalidate(policyId); // cached but older than the caller has seen: ask the catalog itself
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
            pause = Math.min(pause * 2, 500);
        }
    }

    /** The revision a request for this policy should use now: its serving pointer. */
    public Optional<String> servingRevision(String policyId) {
        return entry(policyId).map(CatalogEntry::getServingRevision);
    }

    /** One revision of a policy, old ones included (the entry carries only the newest and the serving one). */
    public Optional<RevisionInfo> revision(String policyId, String revision) {
        Optional<RevisionInfo> inEntry = entries.peek(policyId, maxAgeNanos).flatMap(e -> e.getRevisions().stream()
                .filter(r -> r.getRevision().equals(revision)).findFirst());
        if (inEntry.isPresent()) {
            return inEntry;
        }
        String key = CatalogKeys.revisionKey(policyId, revision);
        return revisions.getOrLoad(key, maxAgeNanos, () -> http.get(path(policyId) + "/" + CatalogApi.REVISIONS + "/"
                + encode(revision)).map(body -> {
                    CatalogRevision r = CatalogJson.read(body, CatalogRevision.class);
                    return new VersionedCache.Versioned<>(r, r.getEntryVersion());
                })).map(CatalogRevision::getRevision);
    }

    public boolean isActive(String policyId) {
        return entry(policyId).map(e -> e.getSpec().getStatus() == PolicyStatus.ACTIVE).orElse(false);
    }

    /** A page of policies matching {@code filter} with ids after {@code after} (null: the first page), in id order. */
    public Page<PolicySummary> policies(PolicyFilter filter, String after, int limit) {
        String query = CatalogApi.LIMIT + "=" + limit + cursor(after) + (filter.isAll() ? "" : "&" + filter.toQuery());
        JsonNode body = required("/" + CatalogApi.POLICIES + "?" + query);
        List<PolicySummary> items = new ArrayList<>();
        body.path("items").forEach(item -> items.add(json.convertValue(item, PolicySummary.class)));
        return page(body, items);
    }

    /** How many policies match {@code filter}. */
    public long count(PolicyFilter filter) {
        return required("/" + CatalogApi.COUNT + (filter.isAll() ? "" : "?" + filter.toQuery())).path("count").asLong();
    }

    /** A page of the policy's revisions, in revision-id order; empty when the policy is unknown. */
    public Optional<Page<CatalogRevision>> revisions(String policyId, String after, int limit) {
        return http.get(path(policyId) + "/" + CatalogApi.REVISIONS + "?" + CatalogApi.LIMIT + "=" + limit + cursor(after))
                .map(body -> records(body, CatalogRevision.class));
    }

    /** A page of the policy's pointer moves with sequence above {@code after}, oldest first; empty when unknown. */
    public Optional<Page<PointerMoved>> history(String policyId, int after, int limit) {
        return http.get(path(policyId) + "/" + CatalogApi.HISTORY + "?" + CatalogApi.LIMIT + "=" + limit
                + "&" + CatalogApi.AFTER + "=" + after).map(body -> records(body, PointerMoved.class));
    }

    /** Forgets what is cached about a policy (its entry; its revisions age out or are refreshed from the topics). */
    public void invalidate(String policyId) {
        entries.invalidate(policyId);
    }

    /** Entries cache figures. */
    public CacheStats entryStats() {
        return entries.stats();
    }

    /** Revisions cache figures. */
    public CacheStats revisionStats() {
        return revisions.stats();
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
    }

    private <T extends org.apache.avro.specific.SpecificRecord> Page<T> records(JsonNode body, Class<T> type) {
        List<T> items = new ArrayList<>();
        body.path("items").forEach(item -> items.add(CatalogJson.read(item, type)));
        return page(body, items);
    }

    private static <T> Page<T> page(JsonNode body, List<T> items) {
        JsonNode next = body.path("next_cursor");
        return new Page<>(items, next.isNull() || next.isMissingNode() ? null : next.asText(),
                body.path("has_more").asBoolean());
    }

    private JsonNode required(String pathAndQuery) {
        return http.get(pathAndQuery).orElseThrow(() -> new CatalogLookupException("the catalog has no resource "
                + pathAndQuery, 404, null));
    }

    private static String path(String policyId) {
        return "/" + CatalogApi.POLICIES + "/" + encode(policyId);
    }

    private static String cursor(String after) {
        return after == null ? "" : "&" + CatalogApi.AFTER + "=" + encode(after);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Settings of a {@link CatalogLookup}. */
    public static final class Builder {
        private final List<String> urls;
        private int capacity = 1024;
        private Duration timeout = Duration.ofSeconds(10);
        private Duration maxAge;
        private PlatformConnection changes;
        private String userInfo;
        private String clientId = "mint-catalog-lookup-" + UUID.randomUUID().toString().substring(0, 8);

        private Builder(List<String> urls) {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("give at least one catalog URL, e.g. http://127.0.0.1:7070");
            }
            this.urls = List.copyOf(urls);
        }

        /** Most policies (and, apart, revisions) cached; the least recently used go first. Default 1024. */
        public Builder cacheCapacity(int entries) {
            this.capacity = entries;
            return this;
        }

        /** How long one lookup may take, retries of a restoring catalog included. Default 10 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Reload a cached value older than this; default 1 s without {@link #followChanges}, unlimited with it. */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = Objects.requireNonNull(maxAge);
            return this;
        }

        /** Keep the cache fresh from the catalog topics on this Kafka cluster, decoded against this registry. */
        public Builder followChanges(String bootstrapServers, String registryUrl) {
            return followChanges(PlatformConnection.of(bootstrapServers, Objects.requireNonNull(registryUrl)));
        }

        /**
         * Keep the cache fresh from the catalog topics of this platform, reached with its Kafka properties (security)
         * and registry credentials.
         */
        public Builder followChanges(PlatformConnection connection) {
            this.changes = Objects.requireNonNull(connection);
            return this;
        }

        /** {@code USER:PASSWORD} sent to the catalog as HTTP basic auth (e.g. the connection's catalog credentials). */
        public Builder credentials(String userInfo) {
            this.userInfo = userInfo;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = Objects.requireNonNull(clientId);
            return this;
        }

        public CatalogLookup build() {
            return new CatalogLookup(this);
        }
    }
}
