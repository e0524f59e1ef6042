package ai.mint.topics;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant of a shared platform: a Kafka principal ({@code User:NAME}) with topics of its own and a namespace of
 * policies. The broker authorizes per topic, not per key, so whatever one tenant must not see or touch of another's
 * flows on topics named for it: {@code mint.tenant.NAME.policy.specs}, {@code ...serve.requests} and so on, each laid
 * out like the shared topic it stands beside ({@link Kind}). Its policies are the ids that start with {@code NAME.};
 * the platform refuses a tenant's request that names any other policy.
 *
 * @param name lower-case letters, digits and hyphens, 1 to {@value #MAX_NAME_LENGTH} characters, not a reserved name
 */
public record Tenant(String name) {

    /** What every tenant topic's name starts with. */
    public static final String TOPIC_PREFIX = "mint.tenant.";
    /** Longest tenant name. */
    public static final int MAX_NAME_LENGTH = 48;
    /** A tenant name: no dots, so {@code NAME.} prefixes of two tenants never overlap. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0," + (MAX_NAME_LENGTH - 1) + "}");
    /** Names that are principals of the platform itself. */
    private static final List<String> RESERVED = List.of("admin", "anonymous");

    /** The tenant topics: the shared topic each mirrors, and who writes it. */
    public enum Kind {
        POLICY_SPECS(Topics.POLICY_SPECS, true),
        SERVE_REQUESTS(Topics.SERVE_REQUESTS, true),
        ROLLBACK_REQUESTS(Topics.ROLLBACK_REQUESTS, true),
        INFERENCE_REQUESTS(Topics.INFERENCE_REQUESTS, true),
        SERVE_RESULTS(Topics.SERVE_RESULTS, false),
        ROLLBACK_RESULTS(Topics.ROLLBACK_RESULTS, false),
        INFERENCE_RESPONSES(Topics.INFERENCE_RESPONSES, false),
        DEAD_LETTER(Topics.DEAD_LETTER, false);

        private final TopicSpec shared;
        private final boolean tenantWrites;

        Kind(TopicSpec shared, boolean tenantWrites) {
            this.shared = shared;
            this.tenantWrites = tenantWrites;
        }

        /** The shared topic this kind mirrors (same layout, same value record). */
        public TopicSpec shared() {
            return shared;
        }

        /** True for the tenant's requests (it writes, the platform reads); false for answers (the reverse). */
        public boolean tenantWrites() {
            return tenantWrites;
        }

        /** What follows {@code mint.tenant.NAME.}: the shared name without its {@code mint.} prefix. */
        public String suffix() {
            return shared.name().substring("mint.".length());
        }

        /** Every tenant's topic of this kind, e.g. for a pattern subscription of the app that reads them. */
        public Pattern pattern() {
            return Pattern.compile(Pattern.quote(TOPIC_PREFIX) + NAME.pattern() + Pattern.quote("." + suffix()));
        }
    }

    private static final Pattern TOPIC = Pattern.compile(Pattern.quote(TOPIC_PREFIX) + "(" + NAME.pattern()
            + ")\\.(.+)");

    public Tenant {
        Optional<String> problem = problem(name);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
    }

    /** Why {@code name} cannot be a tenant's name, if it cannot. */
    public static Optional<String> problem(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.of("tenant name '" + name + "' must be 1-" + MAX_NAME_LENGTH + " lower-case letters, digits"
                    + " or '-' (not starting with '-'), e.g. acme");
        }
        if (RESERVED.contains(name) || name.startsWith("mint")) {
            return Optional.of("tenant name '" + name + "' is reserved for the platform (admin, anonymous, mint*)");
        }
        return Optional.empty();
    }

    /** The tenant whose topic this is, if it is a tenant topic of a known kind. */
    public static Optional<Tenant> ofTopic(String topic) {
        return kindOf(topic).map(k -> new Tenant(tenantPart(topic)));
    }

    /** The kind of a tenant topic, if {@code topic} is one. */
    public static Optional<Kind> kindOf(String topic) {
        if (topic == null) {
            return Optional.empty();
        }
        Matcher m = TOPIC.matcher(topic);
        if (!m.matches() || problem(m.group(1)).isPresent()) {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            if (kind.suffix().equals(m.group(2))) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    private static String tenantPart(String topic) {
        Matcher m = TOPIC.matcher(topic);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a tenant topic: " + topic);
        }
        return m.group(1);
    }

    /** This tenant's topic of {@code kind}. */
    public String topic(Kind kind) {
        return topicPrefix() + kind.suffix();
    }

    /** {@code mint.tenant.NAME.}: the prefix of every topic of this tenant. */
    public String topicPrefix() {
        return TOPIC_PREFIX + name + ".";
    }

    /** This tenant's topic of {@code kind}, laid out like the shared one. */
    public TopicSpec spec(Kind kind) {
        TopicSpec shared = kind.shared();
        return new TopicSpec(topic(kind), shared.partitions(), shared.replication(), shared.cleanup(),
                shared.retention(), shared.keyType(), shared.valueRecord(), "Tenant " + name + ": " + shared.doc());
    }

    /** Every topic of this tenant. */
    public List<TopicSpec> specs() {
        return java.util.Arrays.stream(Kind.values()).map(this::spec).toList();
    }

    /** {@code NAME.}: the prefix of every policy id of this tenant. */
    public String policyPrefix() {
        return name + ".";
    }

    /** Whether {@code policyId} is in this tenant's namespace ({@code NAME.something}). */
    public boolean ownsPolicy(String policyId) {
        return policyId != null && policyId.length() > policyPrefix().length()
                && policyId.startsWith(policyPrefix());
    }

    /** The Kafka principal of this tenant (SCRAM user name = tenant name). */
    public String principal() {
        return "User:" + name;
    }

    @Override
    public String toString() {
        return Objects.requireNonNull(name);
    }
}
