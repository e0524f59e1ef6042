package ai.mint.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
        assertThat(new Tenant("acme").owns(Map.of("tenant", "acme"))).isTrue();
        assertThat(new Tenant("acme").owns(Map.of("tenant", "other"))).isFalse();
        assertThat(new Tenant("acme").owns(Map.of())).isFalse();
        assertThat(Tenant.OPEN.owns(Map.of("tenant", "other"))).isTrue();
        assertThat(ApiKeys.open().authenticate(null, NOW)).isEqualTo(Tenant.OPEN);
    }
}
