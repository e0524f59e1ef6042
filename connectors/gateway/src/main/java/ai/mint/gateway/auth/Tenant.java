package ai.mint.gateway.auth;

import java.util.Map;

/**
 * Who a request acts for. A tenant sees and uses only the policies labelled {@code tenant=ID} in their spec; the open
 * tenant (a gateway started without API keys, for development) sees every policy.
 *
 * @param id the tenant's id, or null for the open tenant
 */
public record Tenant(String id) {

    /** The label of a policy spec that names its tenant. */
    public static final String LABEL = "tenant";

    /** Every request of a gateway without API keys. */
    public static final Tenant OPEN = new Tenant(null);

    /** Whether a policy with these spec labels belongs to this tenant. */
    public boolean owns(Map<String, String> labels) {
        return id == null || id.equals(labels.get(LABEL));
    }

    /** The owner a model list shows. */
    public String ownerName() {
        return id == null ? "mint" : id;
    }
}
