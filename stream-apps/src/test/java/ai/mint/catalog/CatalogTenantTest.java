package ai.mint.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.CatalogEntry;
import ai.mint.events.DeadLetter;
import ai.mint.events.PolicySpec;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RollbackResult;
import ai.mint.events.ServeRequest;
import ai.mint.events.ServeResult;
import ai.mint.topics.Tenant;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

/**
 * Tenants' spec, serve and rollback topics, read by pattern: a tenant's request for its own policy is folded like one
 * on the shared topic and answered on the tenant's own results topic as well; one that names another tenant's (or
 * the platform's) policy goes to the dead-letter topic and changes nothing.
 */
class CatalogTenantTest extends CatalogDriverFixture {

    private static final Tenant ACME = new Tenant("acme");

    private TestInputTopic<String, ServeRequest> servesOf(Tenant tenant) {
        return catalog.driver.createInputTopic(tenant.topic(Tenant.Kind.SERVE_REQUESTS), new StringSerializer(),
                catalog.serdes.serveRequest().serializer());
    }

    private TestInputTopic<String, RollbackRequest> rollbacksOf(Tenant tenant) {
        return catalog.driver.createInputTopic(tenant.topic(Tenant.Kind.ROLLBACK_REQUESTS), new StringSerializer(),
                catalog.serdes.rollbackRequest().serializer());
    }

    private <V> TestOutputTopic<String, V> answersOf(Tenant tenant, Tenant.Kind kind,
                                                     org.apache.kafka.common.serialization.Deserializer<V> values) {
        return catalog.driver.createOutputTopic(tenant.topic(kind), new StringDeserializer(), values);
    }

    /** acme.chat with r1 and r2 exported (no gate), r1 served from the shared topic. */
    private void acmePolicyServingR1() {
        specsOf(ACME).pipeInput("acme.chat", events.spec("acme.chat", null));
        catalog.updates.pipeInput("acme.chat", events.update("acme.chat", "", "r1", 1));
        catalog.exports.pipeInput("acme.chat", events.export("acme.chat", "r1", 1));
        catalog.updates.pipeInput("acme.chat", events.update("acme.chat", "r1", "r2", 2));
        catalog.exports.pipeInput("acme.chat", events.export("acme.chat", "r2", 2));
        catalog.serves.pipeInput("acme.chat", events.serve("acme.chat", "r1"));
        catalog.serveResults.readValuesToList();
    }

    @Test
    void shouldPromoteAndRollBackATenantsPolicyFromItsOwnTopicsAndAnswerItThere() {
        acmePolicyServingR1();
        var serveAnswers = answersOf(ACME, Tenant.Kind.SERVE_RESULTS, catalog.serdes.serveResult().deserializer());
        var rollbackAnswers = answersOf(ACME, Tenant.Kind.ROLLBACK_RESULTS,
                catalog.serdes.rollbackResult().deserializer());
        assertThat(serveAnswers.isEmpty()).as("a request on the shared topic is answered there only").isTrue();

        servesOf(ACME).pipeInput("acme.chat", events.serve("acme.chat", "r2"));

        assertThat(catalog.entry("acme.chat").getServingRevision()).isEqualTo("r2");
        ServeResult served = serveAnswers.readValue();
        assertThat(served.getAccepted()).isTrue();
        assertThat(catalog.serveResults.readValue()).as("the shared results topic has it too").isEqualTo(served);

        rollbacksOf(ACME).pipeInput("acme.chat", events.rollback("acme.chat", "r1"));

        assertThat(catalog.entry("acme.chat").getServingRevision()).isEqualTo("r1");
        RollbackResult rolledBack = rollbackAnswers.readValue();
        assertThat(rolledBack.getAccepted()).isTrue();
        assertThat(rolledBack.getToRevision()).isEqualTo("r1");
        assertThat(catalog.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseATenantsServeOrRollbackOfAnotherTenantsPolicy() {
        specsOf(new Tenant("globex")).pipeInput("globex.chat", events.spec("globex.chat", null));
        catalog.updates.pipeInput("globex.chat", events.update("globex.chat", "", "r1", 1));
        catalog.exports.pipeInput("globex.chat", events.export("globex.chat", "r1", 1));
        CatalogEntry before = catalog.entry("globex.chat");

        servesOf(ACME).pipeInput("globex.chat", events.serve("globex.chat", "r1"));
        rollbacksOf(ACME).pipeInput("globex.chat", events.rollback("globex.chat", null));

        assertThat(catalog.deadLetters.readValuesToList()).extracting(DeadLetter::getErrorClass,
                DeadLetter::getSourceTopic).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("FOREIGN_POLICY", "mint.tenant.acme.serve.requests"),
                        org.assertj.core.groups.Tuple.tuple("FOREIGN_POLICY", "mint.tenant.acme.rollback.requests"));
        assertThat(catalog.entry("globex.chat")).isEqualTo(before);
        assertThat(catalog.serveResults.isEmpty()).isTrue();
    }

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
