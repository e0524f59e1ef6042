package ai.mint.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantTest {

    @Test
    void shouldNameEveryTopicAfterTheSharedOneItMirrors() {
        Tenant acme = new Tenant("acme");
        assertThat(acme.topic(Tenant.Kind.POLICY_SPECS)).isEqualTo("mint.tenant.acme.policy.specs");
        assertThat(acme.topic(Tenant.Kind.INFERENCE_RESPONSES)).isEqualTo("mint.tenant.acme.inference.responses");
        assertThat(acme.topic(Tenant.Kind.DEAD_LETTER)).isEqualTo("mint.tenant.acme.deadletter");
        for (Tenant.Kind kind : Tenant.Kind.values()) {
            TopicSpec spec = acme.spec(kind);
            assertThat(spec.partitions()).isEqualTo(kind.shared().partitions());
            assertThat(spec.cleanup()).isEqualTo(kind.shared().cleanup());
            assertThat(spec.retention()).isEqualTo(kind.shared().retention());
            assertThat(spec.valueRecord()).isEqualTo(kind.shared().valueRecord());
            assertThat(Tenant.ofTopic(spec.name())).contains(acme);
            assertThat(Tenant.kindOf(spec.name())).contains(kind);
            assertThat(kind.pattern().matcher(spec.name()).matches()).isTrue();
            assertThat(kind.pattern().matcher(kind.shared().name()).matches()).isFalse();
        }
        assertThat(acme.specs()).hasSize(Tenant.Kind.values().length);
    }

    @Test
    void shouldTellTenantTopicsFromOthers() {
        assertThat(Tenant.ofTopic("mint.policy.specs")).isEmpty();
        assertThat(Tenant.ofTopic("mint.tenant.acme.nonsense")).isEmpty();
        assertThat(Tenant.ofTopic("mint.tenant.Acme.policy.specs")).isEmpty();
        assertThat(Tenant.ofTopic("mint.tenant.admin.policy.specs")).isEmpty();
        assertThat(Tenant.ofTopic("mint.tenant.a.b.policy.specs")).isEmpty();
        assertThat(Tenant.ofTopic("mint.tenant.a-b.serve.requests")).contains(new Tenant("a-b"));
    }

    @Test
    void shouldOwnOnlyPoliciesInItsNamespace() {
        Tenant a = new Tenant("a");
        assertThat(a.ownsPolicy("a.colour")).isTrue();
        assertThat(a.ownsPolicy("a.")).isFalse();
        assertThat(a.ownsPolicy("a")).isFalse();
        assertThat(a.ownsPolicy("ab.colour")).isFalse();
        assertThat(a.ownsPolicy("a-b.colour")).isFalse();
        assertThat(a.ownsPolicy("b.a.colour")).isFalse();
        assertThat(a.ownsPolicy(null)).isFalse();
    }

    @Test
    void shouldRefuseNamesThatCouldOverlapOrImpersonateThePlatform() {
        assertThatThrownBy(() -> new Tenant("a.b")).hasMessageContaining("'a.b'").hasMessageContaining("lower-case");
        assertThatThrownBy(() -> new Tenant("Acme")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> new Tenant("-x")).hasMessageContaining("not starting with '-'");
        assertThatThrownBy(() -> new Tenant("admin")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> new Tenant("mint-ops")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> new Tenant("x".repeat(Tenant.MAX_NAME_LENGTH + 1))).hasMessageContaining("1-48");
        assertThat(new Tenant("x".repeat(Tenant.MAX_NAME_LENGTH)).principal()).startsWith("User:x");
    }

    @Test
    void shouldFindTenantTopicsByNameBesideTheSharedOnes() {
        assertThat(Topics.byName("mint.tenant.acme.policy.specs")).map(TopicSpec::valueRecord)
                .contains(Topics.POLICY_SPECS.valueRecord());
        assertThat(Topics.byName("mint.policy.specs")).contains(Topics.POLICY_SPECS);
        assertThat(Topics.byName("mint.tenant.acme.nope")).isEmpty();
        assertThatThrownBy(() -> Topics.require("mint.nope")).hasMessageContaining("mint.tenant.NAME.{policy.specs,");
    }
}
