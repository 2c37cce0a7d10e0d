package dev.flotilla.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A {@link FileBackedStateMachine} with file snapshots: the state's bytes, cut into files of {@link #FILE_BYTES}, are
 * written on another thread after being captured on the driver thread; installing concatenates them again and saves.
 */
final class FileSnapshotTestStateMachine implements FileSnapshotStateMachine {
    static final int FILE_BYTES = 256 << 10;
    /** A planted bug, to show that the catch-up tests notice a follower that ignores the installed files. */
    static volatile boolean plantIgnoreInstall;

    private final FileBackedStateMachine state;

    FileSnapshotTestStateMachine(FileBackedStateMachine state) {
        this.state = state;
    }

    @Override
    public CompletableFuture<Void> writeSnapshot(Path directory) {
        byte[] captured = state.snapshot();
        return CompletableFuture.runAsync(() -> {
            try {
                for (int offset = 0, part = 0; offset < captured.length || part == 0; offset += FILE_BYTES, part++) {
                    Path file = directory.resolve(String.format("part-%05d", part));
                    try (FileChannel out =
                            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        out.write(java.nio.ByteBuffer.wrap(
                                captured, offset, Math.min(FILE_BYTES, captured.length - offset)));
                        out.force(true);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void installSnapshot(Path directory, long appliedIndex) {
        if (plantIgnoreInstall) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList()) {
                bytes.write(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        state.restoreAndSave(bytes.toByteArray(), appliedIndex);
    }

    @Override
    public List<byte[]> apply(List<AppliedCommand> commands, long appliedIndex) {
        return state.apply(commands, appliedIndex);
    }

    @Override
    public byte[] query(byte[] query) {
        return state.query(query);
    }

    @Override
    public long durableAppliedIndex() {
        return state.durableAppliedIndex();
    }

    @Override
    public byte[] snapshot() {
        throw new AssertionError("a node with file snapshots never asks for a full copy");
    }

    @Override
    public void restore(byte[] snapshot, long appliedIndex) {
        throw new AssertionError("a node with file snapshots never restores a full copy: "
                + Arrays.toString(Arrays.copyOf(snapshot, Math.min(8, snapshot.length))));
    }
}
