package ai.mint.gateway.auth;

import ai.mint.gateway.catalog.PolicyView;
import java.nio.file.Path;

/**
 * Who a request acts for. A tenant sees and uses only the policies labelled {@code tenant=ID} in their spec; the open
 * tenant (a gateway started without API keys, for development) sees every policy.
 * <p>
 * A <em>broker tenant</em> (one whose key entry names its Kafka client file, {@code kafka_config}) is also a principal
 * of the secured platform ({@link ai.mint.topics.Tenant}): its id is the principal's name, its requests go with that
 * principal onto its own topics, and the scheduler serves it only the policies under its prefix {@code ID.}. So the
 * gateway lets it use a policy only when both names agree: the id is under {@code ID.} and the label is
 * {@code tenant=ID}. A policy with only one of the two is not its own here (the scheduler would refuse one, the model
 * list would not show the other).
 *
 * @param id          the tenant's id, or null for the open tenant
 * @param kafkaConfig the tenant's Kafka client file ({@code mint tenant add} writes it), or null: its requests go
 *                    with the gateway's own principal onto the shared topic
 */
public record Tenant(String id, Path kafkaConfig) {

    /** The label of a policy spec that names its tenant. */
    public static final String LABEL = "tenant";

    /** Every request of a gateway without API keys. */
    public static final Tenant OPEN = new Tenant(null);

    /** A tenant of the gateway's own principal. */
    public Tenant(String id) {
        this(id, null);
    }

    public Tenant {
        if (kafkaConfig != null) {
            ai.mint.topics.Tenant.problem(id).ifPresent(problem -> {
                throw new IllegalArgumentException(problem + " (a tenant with a kafka_config is a principal of the "
                        + "platform, named as 'mint tenant add' names it)");
            });
        }
    }

    /** Whether this tenant's requests go with its own Kafka principal onto its own topics. */
    public boolean onBroker() {
        return kafkaConfig != null;
    }

    /** The platform tenant this one is; only for {@link #onBroker() broker tenants}. */
    public ai.mint.topics.Tenant broker() {
        if (!onBroker()) {
            throw new IllegalStateException("tenant " + id + " has no kafka_config, so it is no principal of its own");
        }
        return new ai.mint.topics.Tenant(id);
    }

    /** Whether {@code policy} belongs to this tenant. */
    public boolean owns(PolicyView policy) {
        if (id == null) {
            return true;
        }
        return id.equals(policy.labels().get(LABEL)) && (!onBroker() || broker().ownsPolicy(policy.policyId()));
    }

    /** The owner a model list shows. */
    public String ownerName() {
        return id == null ? "mint" : id;
    }
}
