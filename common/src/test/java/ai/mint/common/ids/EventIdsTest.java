package ai.mint.common.ids;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void shouldDeriveTheSameIdFromTheSameInputAndPurposeOnly() {
        assertThat(EventIds.derived("e-1", "rollout-result")).isEqualTo(EventIds.derived("e-1", "rollout-result"))
                .isNotEqualTo(EventIds.derived("e-1", "eval-result"))
                .isNotEqualTo(EventIds.derived("e-2", "rollout-result"));
        assertThat(EventIds.fresh()).isNotEqualTo(EventIds.fresh());
    }

    @Test
    void shouldKeepTheFormatThatStoredIdsWereMadeWith() {
        // ids already on topics and in stores were made this way: a new format would make replays disagree
        assertThat(EventIds.derived("e-1", "catalog-entry")).isEqualTo(
                java.util.UUID.nameUUIDFromBytes("catalog-entry:e-1".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString());
        assertThat(EventIds.ofSource("mint.update.results", 0, 7L))
                .isEqualTo(EventIds.derived("mint.update.results/0/7", "dead-letter"));
    }
}
