package dev.flotilla.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The scratch directories benchmarks write their data into, and the files in them. */
public final class DataDirectories {
    private DataDirectories() {}

    /** Deletes {@code root} and everything under it. */
    public static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Drops the files' pages from the page cache (GNU dd's nocache advice), so the next reader reads the disk. Pages
     * of data not yet written back stay; sync first to evict everything.
     */
    public static void evictFromPageCache(List<Path> files) throws IOException, InterruptedException {
        for (Path file : files) {
            runTool("dd", "if=" + file, "iflag=nocache", "count=0", "status=none");
        }
    }

    /** Runs a command-line tool (cp, sync, dd) with its output discarded; fails if it does. */
    public static void runTool(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }

    /** The regular files under {@code root}. */
    public static List<Path> files(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }
}
