package ai.mint.connect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourcePartitionsTest {

    @Test
    void shouldIterateInTheSameOrderWhateverTheOrderGiven() {
        // Connect looks committed offsets up by the JSON bytes of the partition, written in iteration order
        assertThat(SourcePartitions.of("file", "a.jsonl", "dataset", "d").keySet()).containsExactly("dataset", "file");
        assertThat(SourcePartitions.of("dataset", "d", "file", "a.jsonl").keySet()).containsExactly("dataset", "file");
        assertThat(SourcePartitions.of("file", "a.jsonl", "dataset", "d").toString())
                .isEqualTo(SourcePartitions.of("dataset", "d", "file", "a.jsonl").toString());
    }
}
