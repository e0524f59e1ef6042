package ai.mint.common.catalog.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class VersionedCacheTest {

    private static Optional<VersionedCache.Versioned<String>> loaded(String value, long version) {
        return Optional.of(new VersionedCache.Versioned<>(value, version));
    }

    @Test
    void shouldHoldAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        VersionedCache<String> cache = new VersionedCache<>(3);
        for (int i = 0; i < 100; i++) {
            int n = i;
            cache.getOrLoad("k" + n, -1, () -> loaded("v" + n, 1));
            cache.get("k0", -1); // k0 is used all the time, so it stays
        }
        assertThat(cache.stats().size()).isEqualTo(3);
        assertThat(cache.stats().evictions()).isEqualTo(97);
        assertThat(cache.get("k0", -1)).contains("v0");
        assertThat(cache.get("k99", -1)).contains("v99");
        assertThat(cache.get("k50", -1)).isEmpty();
    }

    @Test
    void shouldKeepAChangeThatArrivesWhileAnOlderAnswerIsLoading() throws Exception {
        VersionedCache<String> cache = new VersionedCache<>(10);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<String>> answer = pool.submit(() -> cache.getOrLoad("p", -1, () -> {
                loading.countDown();
                await(changed);
                return loaded("served-r4", 4); // the HTTP answer, read before the change
            }));
            loading.await();
            assertThat(cache.offerIfPresent("p", "served-r5", 5)).isTrue(); // the change from the topic
            changed.countDown();

            assertThat(answer.get()).contains("served-r5");
            assertThat(cache.get("p", -1)).contains("served-r5");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldIgnoreChangesOfKeysItDoesNotHoldAndOlderVersions() {
        VersionedCache<String> cache = new VersionedCache<>(10);
        assertThat(cache.offerIfPresent("unknown", "x", 1)).isFalse();
        assertThat(cache.contains("unknown")).isFalse();

        cache.getOrLoad("p", -1, () -> loaded("v3", 3));
        assertThat(cache.offerIfPresent("p", "v2", 2)).isFalse();
        assertThat(cache.offerIfPresent("p", "v4", 4)).isTrue();
        assertThat(cache.get("p", -1)).contains("v4");
        assertThat(cache.stats().updates()).isEqualTo(1);
    }

    @Test
    void shouldLeaveNothingBehindWhenTheKeyDoesNotExistAndReloadWhenTooOld() throws Exception {
        VersionedCache<String> cache = new VersionedCache<>(10);
        assertThat(cache.getOrLoad("ghost", -1, Optional::empty)).isEmpty();
        assertThat(cache.contains("ghost")).isFalse();

        cache.getOrLoad("p", -1, () -> loaded("old", 1));
        Thread.sleep(5);
        assertThat(cache.getOrLoad("p", 1_000_000L, () -> loaded("new", 2))).contains("new");
        assertThat(cache.getOrLoad("p", -1, () -> loaded("never", 3))).contains("new");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
