package dev.flotilla.bench.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The physical limit in-process: the same bytes in the same batches, appended to one growing file with one write and
 * one {@code force(false)} per batch. No index, no checksums, no framing, no compaction.
 */
final class RawLog implements LogUnderTest {
    private final FileChannel channel;
    private final GroupCommitLoop<byte[]> loop;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private long position;

    RawLog(Path dir, int maxBatchEntries) throws IOException {
        channel = FileChannel.open(
                dir.resolve("raw.log"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        loop = new GroupCommitLoop<>("raw-log-writer", maxBatchEntries, this::flush);
    }

    private void flush(List<byte[]> batch) throws IOException {
        int bytes = 0;
        for (byte[] data : batch) {
            bytes += data.length;
        }
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(Math.max(bytes, buffer.capacity() * 2));
        }
        buffer.clear();
        for (byte[] data : batch) {
            buffer.put(data);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        channel.force(false);
    }

    @Override
    public CompletableFuture<Void> append(long group, long index, long term, byte[] data, OptionalLong compactThrough) {
        return loop.submit(data);
    }

    @Override
    public long syncs() {
        return loop.flushes();
    }

    @Override
    public double indexBytesPerEntry() {
        return 0;
    }

    @Override
    public void close() throws IOException {
        loop.close();
        channel.close();
    }
}
