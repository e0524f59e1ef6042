package ai.mint.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.mint.gateway.catalog.PolicyView;
import ai.mint.gateway.openai.ApiError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;

    private ApiKeys keys(String json) throws Exception {
        Path file = dir.resolve("keys.json");
        Files.writeString(file, json.replace('\'', '"'));
        return ApiKeys.read(file);
    }

    @Test
    void shouldMapHashedAndPlainKeysToTheirTenants() throws Exception {
        ApiKeys keys = keys("{'keys': [{'tenant': 'acme', 'sha256': '" + ApiKeys.sha256("sk-acme") + "'},"
                + " {'tenant': 'dev', 'key': 'sk-dev'}]}");

        assertThat(keys.authenticate("Bearer sk-acme", NOW)).isEqualTo(new Tenant("acme"));
        assertThat(keys.authenticate("bearer  sk-dev ", NOW)).isEqualTo(new Tenant("dev"));
        assertThat(keys.plainKeys()).isEqualTo(1);
        assertThat(keys.isOpen()).isFalse();
    }

    @Test
    void shouldRefuseMissingUnknownAndExpiredKeysWith401() throws Exception {
        ApiKeys keys = keys("{'keys': [{'tenant': 'old', 'key': 'sk-old', 'expires_at': '2026-11-30T00:00:00Z'}]}");

        for (String header : new String[]{null, "", "sk-old", "Bearer sk-new", "Bearer sk-old"}) {
            ApiError error = catchThrowableOfType(ApiError.class, () -> keys.authenticate(header, NOW));
            assertThat(error.status()).as(String.valueOf(header)).isEqualTo(401);
            assertThat(error.code()).isEqualTo("invalid_api_key");
        }
        assertThat(catchThrowableOfType(ApiError.class, () -> keys.authenticate("Bearer sk-old", NOW)))
                .hasMessageContaining("expired");
        assertThat(keys.authenticate("Bearer sk-old", Instant.parse("2026-11-29T00:00:00Z")).id()).isEqualTo("old");
    }

    @Test
    void shouldNameWhatIsWrongInAMalformedKeyFile() {
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'a'}]}")).hasMessageContaining("keys[0]")
                .hasMessageContaining("exactly one of 'sha256'");
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'a', 'sha256': 'XYZ'}]}"))
                .hasMessageContaining("64 lower-case hex");
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'a', 'key': 'k', 'expires_at': 'soon'}]}"))
                .hasMessageContaining("expires_at");
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'a', 'key': 'k'}, {'tenant': 'b', 'key': 'k'}]}"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> keys("[]")).hasMessageContaining("{\"keys\"");
    }

    @Test
    void shouldLetATenantSeeOnlyItsOwnPoliciesAndTheOpenTenantSeeAll() {
        assertThat(new Tenant("acme").owns(policy("chat", Map.of("tenant", "acme")))).isTrue();
        assertThat(new Tenant("acme").owns(policy("chat", Map.of("tenant", "other")))).isFalse();
        assertThat(new Tenant("acme").owns(policy("chat", Map.of()))).isFalse();
        assertThat(Tenant.OPEN.owns(policy("chat", Map.of("tenant", "other")))).isTrue();
        assertThat(ApiKeys.open().authenticate(null, NOW)).isEqualTo(Tenant.OPEN);
    }

    @Test
    void shouldMakeATenantWithAKafkaConfigABrokerTenantOfThatFile() throws Exception {
        Path client = Files.writeString(dir.resolve("globex.properties"), "security.protocol=SASL_SSL\n");
        ApiKeys keys = keys("{'keys': [{'tenant': 'globex', 'key': 'sk-g', 'kafka_config': 'globex.properties'},"
                + " {'tenant': 'globex', 'key': 'sk-g2', 'kafka_config': '" + client + "'},"
                + " {'tenant': 'acme', 'key': 'sk-a'}]}");

        Tenant globex = keys.authenticate("Bearer sk-g", NOW);
        assertThat(globex.onBroker()).isTrue();
        assertThat(globex.kafkaConfig()).isEqualTo(client.toAbsolutePath());
        assertThat(globex.broker().topic(ai.mint.topics.Tenant.Kind.INFERENCE_REQUESTS))
                .isEqualTo("mint.tenant.globex.inference.requests");
        assertThat(keys.authenticate("Bearer sk-g2", NOW)).isEqualTo(globex);
        Tenant acme = keys.authenticate("Bearer sk-a", NOW);
        assertThat(acme.onBroker()).isFalse();
        assertThatThrownBy(acme::broker).hasMessageContaining("acme").hasMessageContaining("kafka_config");
    }

    @Test
    void shouldNameTheEntryOfABadKafkaConfig() throws Exception {
        Files.writeString(dir.resolve("ok.properties"), "security.protocol=SASL_SSL\n");
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'a', 'key': 'k'},"
                + " {'tenant': 'globex', 'key': 'k2', 'kafka_config': 'missing.properties'}]}"))
                .hasMessageContaining("keys[1]").hasMessageContaining("missing.properties")
                .hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'Globex', 'key': 'k', 'kafka_config': 'ok.properties'}]}"))
                .hasMessageContaining("keys[0]").hasMessageContaining("'Globex'").hasMessageContaining("lower-case");
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'admin', 'key': 'k', 'kafka_config': 'ok.properties'}]}"))
                .hasMessageContaining("keys[0]").hasMessageContaining("reserved");
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'globex', 'key': 'k', 'kafka_config': 'ok.properties'},"
                + " {'tenant': 'globex', 'key': 'k2'}]}"))
                .hasMessageContaining("keys[1]").hasMessageContaining("same Kafka client file");
        assertThatThrownBy(() -> keys("{'keys': [{'tenant': 'globex', 'key': 'k', 'kafka_config': 7}]}"))
                .hasMessageContaining("keys[0]").hasMessageContaining("'kafka_config' must be a string");
    }

    @Test
    void shouldLetABrokerTenantUseOnlyPoliciesBothLabelledAndPrefixedForIt() throws Exception {
        Path client = Files.writeString(dir.resolve("globex.properties"), "security.protocol=SASL_SSL\n");
        Tenant globex = new Tenant("globex", client);

        assertThat(globex.owns(policy("globex.chat", Map.of("tenant", "globex")))).isTrue();
        assertThat(globex.owns(policy("chat", Map.of("tenant", "globex")))).as("label only").isFalse();
        assertThat(globex.owns(policy("globex.chat", Map.of()))).as("prefix only").isFalse();
        assertThat(globex.owns(policy("globex.chat", Map.of("tenant", "acme")))).as("another's label").isFalse();
        assertThat(globex.owns(policy("globex.", Map.of("tenant", "globex")))).as("the bare prefix").isFalse();
        assertThat(globex.owns(policy("acme.chat", Map.of("tenant", "globex")))).as("another's prefix").isFalse();
        // a tenant of the gateway's own principal goes by the label alone, as before
        assertThat(new Tenant("globex").owns(policy("chat", Map.of("tenant", "globex")))).isTrue();
    }

    private static PolicyView policy(String id, Map<String, String> labels) {
        return new PolicyView(id, "r1", labels, "ACTIVE", 0L);
    }
}
