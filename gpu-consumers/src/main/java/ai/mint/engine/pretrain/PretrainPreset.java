package ai.mint.engine.pretrain;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Named pretraining runs. {@code small} is the English base the quickstart serves (about 2.4M parameters, a 2,048-token
 * vocabulary; about 12 minutes on 2 cores); {@code micro} is a seconds-long run of the same code for tests.
 */
public enum PretrainPreset {

    SMALL(new PretrainSettings("small", 2048, 192, 512, 4, 6, 2, 128, 16, 2000,
            3e-3, 100, 0.1, 0.1, 1.0, 200, 48, 0)),
    MICRO(new PretrainSettings("micro", 512, 48, 96, 2, 4, 2, 32, 8, 60,
            1e-2, 5, 0.1, 0.0, 1.0, 12, 16, 0));

    /**
     * Where the repository keeps the {@code small} base it carries, relative to the repository root; reproduce it with
     * {@code mint base pretrain --corpus brown --preset small --out models/brown-small}.
     */
    public static final Path BUNDLED_SMALL = Path.of("models", "brown-small");

    private final PretrainSettings settings;

    PretrainPreset(PretrainSettings settings) {
        this.settings = settings;
    }

    public PretrainSettings settings() {
        return settings;
    }

    /** The preset named {@code name} (any case); the error lists the names. */
    public static PretrainPreset named(String name) {
        for (PretrainPreset p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pretraining preset '" + name + "' (expected one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
    }
}
