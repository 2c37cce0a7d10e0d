package dev.flotilla.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A scratch directory under /tmp named {@code snap-test-*}, deleted on close. */
final class Scratch implements AutoCloseable {
    final Path root;

    Scratch() {
        try {
            root = Files.createTempDirectory(Path.of("/tmp"), "snap-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path resolve(String name) {
        return root.resolve(name);
    }

    @Override
    public void close() {
        delete(root);
    }

    static void delete(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
