package ai.mint.engine.model;

import java.util.Arrays;
import java.util.Locale;

/** The decoder families {@code mint base init --arch} can make, by their command-line names. */
public enum Architecture {
    QWEN2("qwen2"),
    QWEN2_MOE("qwen2-moe"),
    /** Multi-head latent attention, YaRN, 1 dense layer then fine-grained MoE with a shared expert. */
    DEEPSEEK_V3("deepseek-v3"),
    /** DeepSeek-V3 plus the lightning indexer of DeepSeek sparse attention (DSA). */
    DEEPSEEK_V32("deepseek-v3.2");

    private final String cliName;

    Architecture(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** Parses a command-line name (any case); unknown names are refused listing the known ones. */
    public static Architecture parse(String name) {
        for (Architecture a : values()) {
            if (a.cliName.equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + name + "' (expected one of "
                + Arrays.stream(values()).map(Architecture::cliName).toList().toString().toLowerCase(Locale.ROOT)
                + ")");
    }
}
