package ai.mint.platform;

import ai.mint.topics.Tenant;
import ai.mint.topics.Topics;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TenantAccessTest {

    private final Tenant acme = new Tenant("acme");

    @Test
    void shouldAllowATenantOnlyItsOwnTopicsAndGroupsAndNothingPrefixedBeyondThem() {
        List<AclBinding> bindings = TenantAccess.tenantBindings(acme);

        assertThat(bindings).allSatisfy(b -> {
            assertThat(b.entry().principal()).isEqualTo("User:acme");
            assertThat(b.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
        });
        assertThat(bindings).filteredOn(b -> b.pattern().resourceType() == ResourceType.TOPIC).allSatisfy(b -> {
            assertThat(b.pattern().patternType()).isEqualTo(PatternType.LITERAL);
            assertThat(Tenant.ofTopic(b.pattern().name())).contains(acme);
        });
        assertThat(bindings).filteredOn(b -> b.pattern().resourceType() == ResourceType.GROUP)
                .extracting(b -> b.pattern().name()).containsOnly("acme.");
        assertThat(bindings).extracting(b -> b.pattern().resourceType())
                .containsOnly(ResourceType.TOPIC, ResourceType.GROUP);
        assertThat(bindings).extracting(b -> b.pattern().name()).noneMatch(n -> Topics.byName(n).isPresent()
                && Topics.ALL.contains(Topics.byName(n).get()));
    }

    @Test
    void shouldLetATenantWriteItsRequestsAndReadItsAnswersButNeverBoth() {
        List<AclBinding> bindings = TenantAccess.tenantBindings(acme);
        for (Tenant.Kind kind : Tenant.Kind.values()) {
            List<AclOperation> ops = bindings.stream().filter(b -> b.pattern().name().equals(acme.topic(kind)))
                    .map(b -> b.entry().operation()).toList();
            assertThat(ops).as(kind.name()).containsExactlyInAnyOrder(
                    kind.tenantWrites() ? AclOperation.WRITE : AclOperation.READ, AclOperation.DESCRIBE);
        }
    }

    @Test
    void shouldNotLetTheServiceAlterTheCluster() {
        assertThat(TenantAccess.serviceBindings())
                .filteredOn(b -> b.pattern().resourceType() == ResourceType.CLUSTER)
                .extracting(b -> b.entry().operation())
                .containsExactlyInAnyOrder(AclOperation.DESCRIBE, AclOperation.IDEMPOTENT_WRITE);
        assertThat(TenantAccess.serviceBindings())
                .filteredOn(b -> b.pattern().resourceType() != ResourceType.CLUSTER)
                .allSatisfy(b -> assertThat(b.pattern().name()).isEqualTo("mint"));
    }
}
