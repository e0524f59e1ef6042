package ai.mint.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemorySchemaRegistryTest {

    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("ai.mint.test").fields()
            .requiredString("id").endRecord();
    private static final Schema V2_ADDITIVE = SchemaBuilder.record("Thing").namespace("ai.mint.test").fields()
            .requiredString("id").name("size").type().intType().intDefault(0).endRecord();
    private static final Schema V2_BREAKING = SchemaBuilder.record("Thing").namespace("ai.mint.test").fields()
            .requiredString("id").requiredInt("size").endRecord();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void shouldGiveTheSameIdToTheSameSchemaAcrossSubjects() {
        int first = registry.register("a-value", V1);
        int again = registry.register("a-value", V1);
        int otherSubject = registry.register("b-value", V1);

        assertThat(again).isEqualTo(first);
        assertThat(otherSubject).isEqualTo(first);
        assertThat(registry.versions("a-value")).containsExactly(first);
        assertThat(registry.subjects()).containsExactly("a-value", "b-value");
    }

    @Test
    void shouldAcceptAnAdditiveChangeAsANewVersion() {
        int v1 = registry.register("a-value", V1);
        assertThat(registry.checkCompatibility("a-value", V2_ADDITIVE).compatible()).isTrue();

        int v2 = registry.register("a-value", V2_ADDITIVE);

        assertThat(v2).isNotEqualTo(v1);
        assertThat(registry.versions("a-value")).containsExactly(v1, v2);
        assertThat(registry.schemaById(v2)).isEqualTo(V2_ADDITIVE);
        assertThat(registry.lookup("a-value", V2_ADDITIVE)).hasValue(v2);
    }

    @Test
    void shouldRejectANewFieldWithoutDefaultNamingTheField() {
        registry.register("a-value", V1);

        CompatibilityResult check = registry.checkCompatibility("a-value", V2_BREAKING);
        assertThat(check.compatible()).isFalse();
        assertThat(check.messages()).anySatisfy(m -> assertThat(m).contains("Thing.size"));
        assertThatThrownBy(() -> registry.register("a-value", V2_BREAKING))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("a-value")
                .hasMessageContaining("Thing.size");
        assertThat(registry.versions("a-value")).hasSize(1);
        assertThat(registry.lookup("a-value", V2_BREAKING)).isEmpty();
    }

    @Test
    void shouldNotFindASchemaUnderASubjectItWasNotRegisteredIn() {
        registry.register("a-value", V1);
        assertThat(registry.lookup("b-value", V1)).isEmpty();
        assertThat(registry.checkCompatibility("new-subject", V2_BREAKING).compatible()).isTrue();
    }

    @Test
    void shouldReportAnUnknownId() {
        assertThatThrownBy(() -> registry.schemaById(42))
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining("schema id 42");
    }

    @Test
    void shouldShareMockRegistriesByName() {
        SchemaRegistryClient one = SchemaRegistryClients.fromUrl("mock://shared-test");
        int id = one.register("s", V1);
        assertThat(SchemaRegistryClients.fromUrl("mock://shared-test").schemaById(id)).isEqualTo(V1);
        assertThat(SchemaRegistryClients.fromUrl("mock://other-test").subjects()).isEmpty();
        assertThat(SchemaRegistryClients.fromUrl("http://127.0.0.1:1/apis/ccompat/v7"))
                .isInstanceOf(HttpSchemaRegistryClient.class);
        SchemaRegistryClients.dropMock("mock://shared-test");
        assertThat(SchemaRegistryClients.fromUrl("mock://shared-test").subjects()).isEmpty();
    }
}
