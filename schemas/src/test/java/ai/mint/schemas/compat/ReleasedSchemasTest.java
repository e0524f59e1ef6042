package ai.mint.schemas.compat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReleasedSchemasTest {

    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("ai.mint.test").doc("a thing").fields()
            .requiredString("id").requiredInt("size").endRecord();
    private static final Schema V2_ADDITIVE = SchemaBuilder.record("Thing").namespace("ai.mint.test").fields()
            .requiredString("id").requiredInt("size").name("color").type().stringType().stringDefault("red")
            .endRecord();
    private static final Schema V2_DROPS_SIZE = SchemaBuilder.record("Thing").namespace("ai.mint.test").fields()
            .requiredString("id").endRecord();

    @TempDir
    Path dir;

    @Test
    void shouldReleaseTheFirstVersionAndThenOnlyChanges() throws Exception {
        ReleasedSchemas repository = new ReleasedSchemas(dir);

        ReleaseSchemas.Outcome first = ReleaseSchemas.releaseChanged(repository, List.of(V1));
        ReleaseSchemas.Outcome unchanged = ReleaseSchemas.releaseChanged(repository, List.of(V1));
        ReleaseSchemas.Outcome additive = ReleaseSchemas.releaseChanged(repository, List.of(V2_ADDITIVE));

        assertThat(first.released()).containsExactly(dir.resolve("Thing/v1.avsc"));
        assertThat(unchanged.released()).isEmpty();
        assertThat(additive.released()).containsExactly(dir.resolve("Thing/v2.avsc"));
        assertThat(repository.versions("Thing")).containsExactly(V1, V2_ADDITIVE);
        assertThat(new Schema.Parser().parse(Files.readString(dir.resolve("Thing/v1.avsc"))).getDoc())
                .isEqualTo("a thing");
    }

    @Test
    void shouldRefuseToReleaseABreakingChangeNamingFileAndField() {
        ReleasedSchemas repository = new ReleasedSchemas(dir);
        ReleaseSchemas.releaseChanged(repository, List.of(V1));

        ReleaseSchemas.Outcome outcome = ReleaseSchemas.releaseChanged(repository, List.of(V2_DROPS_SIZE));

        assertThat(outcome.released()).isEmpty();
        assertThat(outcome.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(dir.resolve("Thing/v1.avsc") + ": Thing.size: field has no default"));
        assertThat(repository.versions("Thing")).containsExactly(V1);
    }

    @Test
    void shouldCheckAgainstEveryReleasedVersionNotOnlyTheLatest() {
        ReleasedSchemas repository = new ReleasedSchemas(dir);
        repository.release(V1);
        repository.release(V2_DROPS_SIZE); // written by hand, as if someone bypassed the check

        // compatible with v2, but not with v1 whose readers need "size"
        List<String> problems = repository.check(List.of(V2_DROPS_SIZE), CompatibilityMode.FULL);

        assertThat(problems).singleElement().satisfies(p -> assertThat(p).contains("v1.avsc").contains("Thing.size"));
    }

    @Test
    void shouldOrderVersionsNumerically() {
        ReleasedSchemas repository = new ReleasedSchemas(dir);
        for (int i = 0; i < 10; i++) {
            repository.release(i == 9 ? V2_ADDITIVE : V1);
        }
        assertThat(repository.latest("Thing")).hasValue(V2_ADDITIVE);
        assertThat(repository.versions("Nothing")).isEmpty();
    }
}
