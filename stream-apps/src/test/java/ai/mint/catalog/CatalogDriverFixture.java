package ai.mint.catalog;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh catalog topology per test: a {@link CatalogDriver} over its own state directory, closed after the test, and
 * an {@link Events} factory. Subclasses' own {@code @BeforeEach} methods run after the driver exists.
 */
abstract class CatalogDriverFixture {

    @TempDir
    Path stateDir;
    CatalogDriver catalog;
    final Events events = new Events();

    @BeforeEach
    void startCatalog() {
        catalog = new CatalogDriver(stateDir);
    }

    @AfterEach
    void stopCatalog() {
        catalog.close();
    }
}
