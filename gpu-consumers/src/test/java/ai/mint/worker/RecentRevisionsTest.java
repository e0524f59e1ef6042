package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecentRevisionsTest {

    @Test
    void shouldNameThePolicysLeastRecentlyUsedRevisionsBeyondTheBoundAndNoOtherPolicys() {
        RecentRevisions recent = new RecentRevisions(2);
        assertThat(recent.use("p", "r1")).isEmpty();
        assertThat(recent.use("p", "r2")).isEmpty();
        assertThat(recent.use("q", "r9")).isEmpty();
        assertThat(recent.use("p", "r1")).isEmpty(); // used again: now the newest
        assertThat(recent.use("p", "r3")).containsExactly("r2");
        recent.forget("p", "r2");
        assertThat(recent.use("p", "r4")).containsExactly("r1");
        assertThat(recent.use("q", "r9")).isEmpty();
    }

    @Test
    void shouldKeepNamingARevisionThatCouldNotBeEvictedUntilItIsForgotten() {
        RecentRevisions recent = new RecentRevisions(1);
        recent.use("p", "pinned");
        assertThat(recent.use("p", "r2")).containsExactly("pinned");
        assertThat(recent.use("p", "r3")).containsExactly("pinned", "r2");
    }

    @Test
    void shouldRefuseABoundBelowOne() {
        assertThatThrownBy(() -> new RecentRevisions(0)).hasMessageContaining("at least 1");
    }
}
