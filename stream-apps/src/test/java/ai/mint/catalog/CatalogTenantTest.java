package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.PolicySpec;
import ai.mint.topics.Tenant;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

/**
 * Tenants' spec topics, read by pattern: a tenant's spec for its own policy is folded like one on the shared topic;
 * one that names another tenant's (or the platform's) policy goes to the dead-letter topic and changes nothing.
 */
class CatalogTenantTest extends CatalogDriverFixture {

    private TestInputTopic<String, PolicySpec> specsOf(Tenant tenant) {
        return catalog.driver.createInputTopic(tenant.topic(Tenant.Kind.POLICY_SPECS), new StringSerializer(),
                catalog.serdes.policySpec().serializer());
    }

    @Test
    void shouldFoldATenantsSpecForItsOwnPolicyLikeOneOnTheSharedTopic() {
        specsOf(new Tenant("acme")).pipeInput("acme.chat", events.spec("acme.chat", null));
        catalog.specs.pipeInput("shared-chat", events.spec("shared-chat", null));

        assertThat(catalog.entry("acme.chat")).isNotNull();
        assertThat(catalog.entry("acme.chat").getRevisions()).isEqualTo(catalog.entry("shared-chat").getRevisions());
        assertThat(catalog.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterATenantsSpecThatNamesAnotherTenantsPolicy() {
        specsOf(new Tenant("globex")).pipeInput("globex.chat", events.spec("globex.chat", null));
        CatalogEntry before = catalog.entry("globex.chat");

        specsOf(new Tenant("acme")).pipeInput("globex.chat", events.spec("globex.chat", null));
        specsOf(new Tenant("acme")).pipeInput("unprefixed", events.spec("unprefixed", null));

        assertThat(catalog.deadLetters.readValuesToList()).allSatisfy(letter -> {
            assertThat(letter.getErrorClass()).isEqualTo("FOREIGN_POLICY");
            assertThat(letter.getSourceTopic()).isEqualTo("mint.tenant.acme.policy.specs");
            assertThat(letter.getReason()).contains("tenant acme", "acme.*");
        }).extracting(DeadLetter::getPolicyId).containsExactly("globex.chat", "unprefixed");
        assertThat(catalog.entry("globex.chat")).isEqualTo(before);
        assertThat(catalog.entry("unprefixed")).isNull();
    }
}
