package ai.mint.schemas.compat;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build's guard on the event contract: every event schema in schemas/avro must stay compatible (FULL, see
 * {@link ReleaseSchemas#MODE_REASON}) with each of its released versions in schemas/released. When this fails, give
 * the field a default (or restore it), or release a new event instead of changing this one.
 */
class EventSchemasCompatibilityTest {

    /** Surefire runs in the module directory. */
    private static final Path RELEASED = Path.of("released");

    @Test
    void everyEventSchemaIsCompatibleWithAllItsReleasedVersions() {
        List<String> problems = new ReleasedSchemas(RELEASED)
                .check(ReleasedSchemas.currentEventSchemas(), ReleaseSchemas.BUILD_MODE);

        assertThat(problems)
                .withFailMessage("event schemas break released versions (fix the field, or see ReleaseSchemas):%n%s",
                        String.join(System.lineSeparator(), problems))
                .isEmpty();
    }

    @Test
    void everyEventHasBeenReleased() {
        ReleasedSchemas released = new ReleasedSchemas(RELEASED);
        List<String> unreleased = ReleasedSchemas.currentEventSchemas().stream()
                .map(Schema::getName)
                .filter(name -> released.versions(name).isEmpty())
                .toList();

        assertThat(unreleased)
                .withFailMessage("new events without a released version: %s; run `mint schemas release`", unreleased)
                .isEmpty();
    }
}
