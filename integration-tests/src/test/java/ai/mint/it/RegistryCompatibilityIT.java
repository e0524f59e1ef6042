package ai.mint.it;

import ai.mint.platform.EmbeddedPlatform;
import ai.mint.registry.IncompatibleSchemaException;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.registry.SchemaRegistryClients;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded registry enforces BACKWARD compatibility, and a refusal (HTTP 409) reaches callers as a clear error. */
@ExtendWith(SharedPlatform.class)
class RegistryCompatibilityIT {

    private static Schema v1() {
        return SchemaBuilder.record("Probe").namespace("ai.mint.it").fields()
                .requiredString("policy_id").requiredInt("step").endRecord();
    }

    @Test
    void shouldRefuseAFieldAddedWithoutDefaultAndAcceptOneWithDefault(EmbeddedPlatform platform) {
        SchemaRegistryClient registry = SchemaRegistryClients.fromUrl(platform.schemaRegistryUrl());
        String subject = "it.compat." + UUID.randomUUID() + "-value";
        // new readers could not fill 'tenant' from events written with v1: a breaking change under BACKWARD
        Schema breaking = SchemaBuilder.record("Probe").namespace("ai.mint.it").fields()
                .requiredString("policy_id").requiredInt("step").requiredString("tenant").endRecord();
        Schema additive = SchemaBuilder.record("Probe").namespace("ai.mint.it").fields()
                .requiredString("policy_id").requiredInt("step")
                .name("tenant").type().stringType().stringDefault("default").endRecord();

        int first = registry.register(subject, v1());

        assertThat(registry.checkCompatibility(subject, breaking).compatible()).isFalse();
        assertThatThrownBy(() -> registry.register(subject, breaking))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(subject);
        assertThat(registry.checkCompatibility(subject, additive).compatible()).isTrue();
        int second = registry.register(subject, additive);
        assertThat(second).isNotEqualTo(first);
        assertThat(registry.schemaById(second)).isEqualTo(additive);
        assertThat(registry.lookup(subject, v1())).hasValue(first);
    }

    @Test
    void shouldRefuseATypeChange(EmbeddedPlatform platform) {
        SchemaRegistryClient registry = SchemaRegistryClients.fromUrl(platform.schemaRegistryUrl());
        String subject = "it.compat." + UUID.randomUUID() + "-value";
        Schema stepAsString = SchemaBuilder.record("Probe").namespace("ai.mint.it").fields()
                .requiredString("policy_id").requiredString("step").endRecord();
        registry.register(subject, v1());

        assertThatThrownBy(() -> registry.register(subject, stepAsString))
                .isInstanceOf(IncompatibleSchemaException.class);
        assertThat(registry.subjects()).contains(subject);
    }
}
