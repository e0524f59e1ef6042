package ai.mint.platform;

import ai.mint.common.connection.PlatformConnection;
import ai.mint.common.kafka.KafkaClients;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.topics.Tenant;
import ai.mint.topics.TopicSpec;
import ai.mint.topics.TopicTypes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Principals of a secured cluster and what the broker lets each do, written with the admin's {@link Admin} client:
 * a SCRAM-SHA-512 user and ACLs per tenant, and the platform's service principal. The broker's authorizer is what
 * keeps tenants apart: a tenant may write only its own request topics, read only its own answer topics, and use only
 * consumer groups named {@code NAME.*}; it has no ACL on any shared topic or on another tenant's topics, so the broker
 * refuses those reads and writes ({@code TopicAuthorizationException}, {@code GroupAuthorizationException}).
 * Everything here is idempotent: granting again resets the password and leaves the ACLs as they are.
 */
public final class TenantAccess {

    /** The platform's own services (catalog, orchestrator, workers): everything under {@code mint*}, nothing else. */
    public static final String SERVICE = "mint-service";
    /** What the service principal's topics, groups and transactional ids start with (tenant topics included). */
    static final String SERVICE_PREFIX = "mint";
    private static final int SCRAM_ITERATIONS = 8192;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final Duration timeout;

    public TenantAccess(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /**
     * Makes {@code tenant} a principal: its SCRAM user (password set or reset), its topics (created if missing), the
     * value schemas of those topics registered (a tenant may only read the registry), and its ACLs.
     *
     * @return what provisioning found for the tenant's topics
     */
    public ProvisionReport grant(Tenant tenant, String password, SchemaRegistryClient registry) {
        upsertUser(tenant.name(), password);
        ProvisionReport topics = new TopicProvisioner(admin, timeout).provision(tenant.specs(), false);
        for (TopicSpec spec : tenant.specs()) {
            registry.register(spec.valueSubject(), TopicTypes.valueSchema(spec));
        }
        await(admin.createAcls(tenantBindings(tenant)).all(), "write the ACLs of tenant " + tenant);
        return topics;
    }

    /** Makes the service principal: its SCRAM user and its ACLs on everything under {@value #SERVICE_PREFIX}. */
    public void grantService(String password) {
        upsertUser(SERVICE, password);
        await(admin.createAcls(serviceBindings()).all(), "write the ACLs of " + SERVICE);
    }

    /**
     * Makes {@code tenant} on the secured platform that {@code admin} reaches, with a new password, and writes the
     * tenant's client file ({@link SecureMode#tenantFile}): what the tenant passes as {@code --kafka-config}.
     *
     * @return the tenant's client file
     */
    public static Path addTenant(PlatformConnection admin, SecureMode secure, Tenant tenant) {
        String password = SecureMode.newPassword();
        try (Admin client = KafkaClients.of(admin).admin("mint-tenant-admin")) {
            new TenantAccess(client, TIMEOUT).grant(tenant, password, admin.registry());
        }
        Path file = secure.tenantFile(tenant.name());
        SecureMode.writeClientFile(file, "tenant " + tenant + " of 'mint up --secure': pass it as --kafka-config",
                secure.clientProperties(tenant.name(), password), secure.registryReaderUserInfo(), null);
        return file;
    }

    /** Makes the service principal on the platform {@code admin} reaches and writes its client file. */
    static Path addService(PlatformConnection admin, SecureMode secure) {
        try (Admin client = KafkaClients.of(admin).admin("mint-tenant-admin")) {
            new TenantAccess(client, TIMEOUT).grantService(secure.servicePassword());
        }
        Path file = secure.serviceFile();
        SecureMode.writeClientFile(file, "the platform services' principal of 'mint up --secure'",
                secure.clientProperties(SERVICE, secure.servicePassword()), secure.serviceUserInfo(),
                secure.catalogUserInfo());
        return file;
    }

    private void upsertUser(String user, String password) {
        await(admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password))).all(),
                "set the SCRAM credential of " + user);
    }

    /**
     * A tenant's ACLs: WRITE on its request topics, READ on its answer topics (DESCRIBE on both, which clients need
     * for metadata), READ on groups {@code NAME.*}. Literal topic names, so a tenant cannot write its own answers
     * (they come from the platform) nor create topics.
     */
    static List<AclBinding> tenantBindings(Tenant tenant) {
        String principal = tenant.principal();
        List<AclBinding> bindings = new ArrayList<>();
        for (Tenant.Kind kind : Tenant.Kind.values()) {
            ResourcePattern topic = new ResourcePattern(ResourceType.TOPIC, tenant.topic(kind), PatternType.LITERAL);
            bindings.add(allow(topic, principal, kind.tenantWrites() ? AclOperation.WRITE : AclOperation.READ));
            bindings.add(allow(topic, principal, AclOperation.DESCRIBE));
        }
        ResourcePattern groups = new ResourcePattern(ResourceType.GROUP, tenant.policyPrefix(), PatternType.PREFIXED);
        bindings.add(allow(groups, principal, AclOperation.READ));
        bindings.add(allow(groups, principal, AclOperation.DESCRIBE));
        return bindings;
    }

    /**
     * The service principal's ACLs: ALL on topics, groups and transactional ids under {@value #SERVICE_PREFIX} (its
     * Streams apps create their internal topics there), DESCRIBE and IDEMPOTENT_WRITE on the cluster. It cannot
     * change ACLs or users: that stays the admin's.
     */
    static List<AclBinding> serviceBindings() {
        String principal = "User:" + SERVICE;
        List<AclBinding> bindings = new ArrayList<>();
        for (ResourceType type : List.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID)) {
            bindings.add(allow(new ResourcePattern(type, SERVICE_PREFIX, PatternType.PREFIXED), principal,
                    AclOperation.ALL));
        }
        ResourcePattern cluster = new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
        bindings.add(allow(cluster, principal, AclOperation.DESCRIBE));
        bindings.add(allow(cluster, principal, AclOperation.IDEMPOTENT_WRITE));
        return bindings;
    }

    private static AclBinding allow(ResourcePattern resource, String principal, AclOperation operation) {
        return new AclBinding(resource, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PlatformException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PlatformException("cannot " + what + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while trying to " + what);
        }
    }
}
