package ai.mint.schemas.compat;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaCompatibilityCheckerTest {

    private static final String LORA = "{\"type\":\"record\",\"name\":\"LoraSpec\",\"fields\":["
            + "{\"name\":\"rank\",\"type\":\"%s\"},{\"name\":\"alpha\",\"type\":\"double\"}]}";

    /** A small event: a required id, a nested LoRA record and an optional field, plus whatever the test adds. */
    private static Schema event(String rankType, String extraFields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Spec\",\"namespace\":\"ai.mint.test\","
                + "\"fields\":[{\"name\":\"policy_id\",\"type\":\"string\"},"
                + "{\"name\":\"lora\",\"type\":" + String.format(LORA, rankType) + "},"
                + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}" + extraFields + "]}");
    }

    private static final Schema V1 = event("int", ",{\"name\":\"steps\",\"type\":\"int\"}");

    @Test
    void shouldAcceptANewFieldWithADefault() {
        Schema v2 = event("int", ",{\"name\":\"steps\",\"type\":\"int\"},"
                + "{\"name\":\"seed\",\"type\":\"long\",\"default\":7}");
        assertThat(SchemaCompatibilityChecker.problems(v2, V1, CompatibilityMode.FULL)).isEmpty();
    }

    @Test
    void shouldRejectRemovingAFieldWithoutDefaultNamingIt() {
        Schema v2 = event("int", "");

        List<String> problems = SchemaCompatibilityChecker.problems(v2, V1, CompatibilityMode.FULL);

        assertThat(problems).singleElement().satisfies(p -> assertThat(p)
                .startsWith("Spec.steps: field has no default")
                .contains("old schema cannot read data written with the new one"));
        // new readers ignore the removed field: the change is only BACKWARD-compatible
        assertThat(SchemaCompatibilityChecker.isCompatible(v2, V1, CompatibilityMode.BACKWARD)).isTrue();
    }

    @Test
    void shouldAcceptRemovingAFieldThatHadADefault() {
        Schema v1 = event("int", ",{\"name\":\"steps\",\"type\":\"int\",\"default\":1}");
        assertThat(SchemaCompatibilityChecker.problems(event("int", ""), v1, CompatibilityMode.FULL)).isEmpty();
    }

    @Test
    void shouldRejectAddingAFieldWithoutDefaultNamingIt() {
        Schema v2 = event("int", ",{\"name\":\"steps\",\"type\":\"int\"},{\"name\":\"seed\",\"type\":\"long\"}");

        assertThat(SchemaCompatibilityChecker.problems(v2, V1, CompatibilityMode.BACKWARD)).singleElement()
                .satisfies(p -> assertThat(p).startsWith("Spec.seed: field has no default")
                        .contains("new schema cannot read data written with the old one"));
    }

    @Test
    void shouldRejectATypeChangeNamingTheNestedField() {
        Schema v2 = event("string", ",{\"name\":\"steps\",\"type\":\"int\"}");

        List<String> problems = SchemaCompatibilityChecker.problems(v2, V1, CompatibilityMode.FULL);

        assertThat(problems).hasSize(2).allSatisfy(p -> assertThat(p).startsWith("Spec.lora.rank: type changed"));
    }

    @Test
    void shouldAcceptAWideningPromotionOnlyBackward() {
        Schema v2 = event("long", ",{\"name\":\"steps\",\"type\":\"int\"}");
        assertThat(SchemaCompatibilityChecker.isCompatible(v2, V1, CompatibilityMode.BACKWARD)).isTrue();
        assertThat(SchemaCompatibilityChecker.problems(v2, V1, CompatibilityMode.FORWARD)).singleElement()
                .satisfies(p -> assertThat(p).startsWith("Spec.lora.rank: type changed"));
    }

    @Test
    void shouldTranslatePointersThroughUnionsArraysAndMaps() {
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                + "{\"name\":\"a\",\"type\":\"int\"},"
                + "{\"name\":\"items\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"I\","
                + "\"fields\":[{\"name\":\"x\",\"type\":[\"null\",{\"type\":\"map\",\"values\":"
                + "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"deep\",\"type\":\"int\"}]}}]}]}}}]}");

        assertThat(SchemaCompatibilityChecker.fieldPath(schema, "/fields/1/type/items/fields/0/type/1/values/fields/0"))
                .isEqualTo("items[].x{}.deep");
        assertThat(SchemaCompatibilityChecker.fieldPath(schema, "/fields/0/type")).isEqualTo("a");
        assertThat(SchemaCompatibilityChecker.fieldPath(schema, "/")).isEqualTo("<record>");
    }
}
