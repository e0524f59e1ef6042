package ai.mint.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RecentEventIdsTest {

    @Test
    void shouldForgetOldestIdsBeyondCapacity() {
        RecentEventIds window = RecentEventIds.empty();
        for (int i = 0; i < 10; i++) {
            window = window.with("e" + i, 4);
        }
        assertThat(window.ids()).containsExactly("e6", "e7", "e8", "e9");
        assertThat(window.contains("e5")).isFalse();
        assertThat(window.contains("e9")).isTrue();
    }

    @Test
    void shouldRoundTripThroughSerde() {
        RecentEventIds window = RecentEventIds.empty().with("a", 8).with("ünïcødé-✓", 8).with("", 8);
        var serde = RecentEventIds.serde();
        byte[] bytes = serde.serializer().serialize("t", window);
        assertThat(serde.deserializer().deserialize("t", bytes).ids()).isEqualTo(window.ids());
    }

    @Test
    void shouldNameTopicWhenBytesAreCorrupt() {
        assertThatThrownBy(() -> RecentEventIds.serde().deserializer().deserialize("changelog-x", new byte[]{0, 0, 0, 5}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("changelog-x");
    }
}
