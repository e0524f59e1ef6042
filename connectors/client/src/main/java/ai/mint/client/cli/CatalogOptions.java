package ai.mint.client.cli;

import ai.mint.common.catalog.lookup.CatalogLookup;
import java.util.Arrays;

/**
 * Where the commands that read the catalog find its query API: the connection's catalog URL ({@code --catalog-url},
 * else {@code $MINT_CATALOG_URL}, else {@code catalog.url} in the connection file; see {@code ConnectionOptions}),
 * else the catalog's default port on this machine. Several URLs may be given, comma-separated; any instance answers
 * for all.
 */
public final class CatalogOptions {

    private CatalogOptions() {
    }

    /** Where {@code mint catalog} listens when started with its defaults. */
    public static final String DEFAULT_URL = "http://127.0.0.1:7070";

    /** The URLs, resolved as the class says. */
    static String[] urls(ClientOptions client) {
        String resolved = client.platform().catalog().orElse(DEFAULT_URL);
        return Arrays.stream(resolved.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    /** A lookup over the catalog's query API (nothing cached between commands, no topic followed). */
    static CatalogLookup lookup(ClientOptions client) {
        return CatalogLookup.builder(urls(client)).timeout(client.timeout())
                .credentials(client.platform().catalogUserInfo()).build();
    }
}
