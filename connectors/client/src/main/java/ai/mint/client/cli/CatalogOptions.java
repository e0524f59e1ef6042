package ai.mint.client.cli;

import ai.mint.common.catalog.lookup.CatalogLookup;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * Where the commands that read the catalog find its query API: {@code --catalog-url}, else {@code $MINT_CATALOG_URL},
 * else {@code catalog.url} in the connection file, else the catalog's default port on this machine. Several URLs may
 * be given, comma-separated; any instance answers for all.
 */
public final class CatalogOptions {

    /** Where {@code mint catalog} listens when started with its defaults. */
    public static final String DEFAULT_URL = "http://127.0.0.1:7070";

    @Option(names = "--catalog-url", paramLabel = "URL[,URL...]",
            description = "Query API of the catalog app (default: $MINT_CATALOG_URL, catalog.url in the connection "
                    + "file, else " + DEFAULT_URL + ").")
    String catalogUrl;

    /** The URLs, resolved as the class says. */
    String[] urls(ClientOptions client) {
        String resolved = catalogUrl;
        if (resolved == null || resolved.isBlank()) {
            resolved = System.getenv("MINT_CATALOG_URL");
        }
        if (resolved == null || resolved.isBlank()) {
            resolved = client.connectionFile().getProperty("catalog.url");
        }
        if (resolved == null || resolved.isBlank()) {
            resolved = DEFAULT_URL;
        }
        return Arrays.stream(resolved.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    /** A lookup over the catalog's query API (nothing cached between commands, no topic followed). */
    CatalogLookup lookup(ClientOptions client) {
        return CatalogLookup.builder(urls(client)).timeout(client.timeout()).build();
    }
}
