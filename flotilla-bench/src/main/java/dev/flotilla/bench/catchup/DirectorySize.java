package dev.flotilla.bench.catchup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** The bytes of the files under directories that a running server may be changing. */
final class DirectorySize {
    private DirectorySize() {}

    /** The sum of the sizes of the files under {@code dirs}; missing directories and files deleted meanwhile count 0. */
    static long apparent(List<Path> dirs) throws IOException {
        long[] total = {0};
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    total[0] += attributes.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        }
        return total[0];
    }

    /**
     * The disk space the files under {@code dirs} take ({@code du}), which leaves out the unwritten part of sparse
     * files: the Raft log sizes its segment files ahead without writing them, so their length says nothing about the
     * entries in them. Missing directories count 0.
     */
    static long allocated(List<Path> dirs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("du", "-s", "-B1"));
        dirs.stream().filter(Files::isDirectory).map(Path::toString).forEach(command::add);
        if (command.size() == 3) {
            return 0;
        }
        Process du = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // A file deleted during the walk makes du complain and exit 1; its totals are still right for the rest.
        du.waitFor();
        long total = 0;
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                total += Long.parseLong(line.split("\t")[0].trim());
            }
        }
        return total;
    }
}
