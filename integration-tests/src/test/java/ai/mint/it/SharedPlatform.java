package ai.mint.it;

import ai.mint.platform.EmbeddedPlatform;
import ai.mint.platform.PlatformOptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One embedded platform (real broker, real registry) shared by every test class of the JVM that asks for an
 * {@link EmbeddedPlatform} parameter: started on first use, stopped by JUnit when the run ends (also after failures).
 * Tests that need their own platform (start/stop, restart) start it themselves.
 */
public final class SharedPlatform implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedPlatform.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedPlatform.class;
    }

    @Override
    public EmbeddedPlatform resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("platform", key -> Running.start(), Running.class).platform;
    }

    /** The shared platform and its data directory; JUnit closes it at the end of the run. */
    static final class Running implements AutoCloseable {
        final EmbeddedPlatform platform;
        final Path dataDir;

        private Running(EmbeddedPlatform platform, Path dataDir) {
            this.platform = platform;
            this.dataDir = dataDir;
        }

        static Running start() {
            try {
                Path dir = Files.createTempDirectory("mint-it-shared-");
                return new Running(EmbeddedPlatform.start(PlatformOptions.embedded(dir)), dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            platform.close();
            TestFiles.deleteTree(dataDir);
        }
    }
}
