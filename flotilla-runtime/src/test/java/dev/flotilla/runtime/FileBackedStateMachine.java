package dev.flotilla.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * A state machine that really keeps its state across crashes, as a RocksDB one does, but lags: every {@code
 * saveEvery} applied entries it writes its whole state to a file (fsynced, then renamed over the last one). Tests of
 * compaction need one, because the runtime never compacts beyond {@link #durableAppliedIndex()}.
 */
final class FileBackedStateMachine implements StateMachine {
    /** A planted bug, to show that the compaction tests notice a snapshot that is not installed. */
    static volatile boolean plantIgnoreRestore;

    private final InMemoryStateMachine memory;
    private final Path file;
    private final long saveEvery;
    private long durable;

    FileBackedStateMachine(InMemoryStateMachine memory, Path file, long saveEvery) {
        this.memory = memory;
        this.file = file;
        this.saveEvery = saveEvery;
        try {
            if (Files.exists(file)) {
                byte[] saved = Files.readAllBytes(file);
                durable = ByteBuffer.wrap(saved).getLong();
                memory.restore(Arrays.copyOfRange(saved, Long.BYTES, saved.length), durable);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<byte[]> apply(List<AppliedCommand> commands, long appliedIndex) {
        List<byte[]> results = memory.apply(commands, appliedIndex);
        if (appliedIndex - durable >= saveEvery) {
            save(appliedIndex);
        }
        return results;
    }

    private void save(long appliedIndex) {
        byte[] state = memory.snapshot();
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try (FileChannel out = FileChannel.open(
                next, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.allocate(Long.BYTES + state.length)
                    .putLong(appliedIndex)
                    .put(state)
                    .flip());
            out.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        durable = appliedIndex;
    }

    /** Takes a snapshot's state and saves it at once: an installed snapshot is durable when this returns. */
    void restoreAndSave(byte[] snapshot, long appliedIndex) {
        memory.restore(snapshot, appliedIndex);
        save(appliedIndex);
    }

    @Override
    public byte[] query(byte[] query) {
        return memory.query(query);
    }

    @Override
    public long durableAppliedIndex() {
        return durable;
    }

    @Override
    public byte[] snapshot() {
        return memory.snapshot();
    }

    @Override
    public void restore(byte[] snapshot, long appliedIndex) {
        if (!plantIgnoreRestore) {
            memory.restore(snapshot, appliedIndex);
        }
    }
}
