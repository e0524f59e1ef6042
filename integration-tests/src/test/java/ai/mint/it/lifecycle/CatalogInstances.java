package ai.mint.it.lifecycle;

import ai.mint.catalog.CatalogApp;
import ai.mint.catalog.CatalogConfig;
import ai.mint.catalog.RunningCatalog;
import ai.mint.platform.EmbeddedPlatform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Catalog instances of one application id on the shared platform, each with its own state directory; closes them all. */
final class CatalogInstances implements AutoCloseable {

    private final EmbeddedPlatform platform;
    private final String appId;
    private final Path dir;
    private final List<RunningCatalog> started = new ArrayList<>();

    CatalogInstances(EmbeddedPlatform platform, String appId, Path dir) {
        this.platform = platform;
        this.appId = appId;
        this.dir = dir;
    }

    /** Starts an instance whose state lives in {@code dir/name}; its query API takes a free port. */
    RunningCatalog start(String name) throws IOException {
        RunningCatalog c = CatalogApp.start(new CatalogConfig(Map.of(
                CatalogConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                CatalogConfig.REGISTRY_URL, platform.schemaRegistryUrl(),
                CatalogConfig.APPLICATION_ID, appId,
                CatalogConfig.STATE_DIR, dir.resolve(name).toString(),
                CatalogConfig.HTTP_PORT, 0)));
        started.add(c);
        return c;
    }

    /** Stops one instance now (e.g. to restart another in its place). */
    void stop(RunningCatalog catalog) {
        catalog.close();
        started.remove(catalog);
    }

    @Override
    public void close() {
        started.forEach(RunningCatalog::close);
        started.clear();
    }
}
