package dev.flotilla.snapshot.netty;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A range of a file that a transfer keeps open for all its chunks. Unlike Netty's {@code DefaultFileRegion}, releasing
 * it does not close the file: one open file per snapshot file keeps the kernel's read-ahead state across chunks, so a
 * cold file is read in long sequential runs rather than restarting read-ahead for every chunk.
 */
final class SharedFileRegion extends AbstractReferenceCounted implements FileRegion {
    private final FileChannel file;
    private final long position;
    private final long count;
    private long transferred;

    SharedFileRegion(FileChannel file, long position, long count) {
        this.file = file;
        this.position = position;
        this.count = count;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferTo(WritableByteChannel target, long at) throws IOException {
        long written = file.transferTo(position + at, count - at, target);
        if (written == 0 && position + at >= file.size()) {
            throw new IOException("the file ends before the chunk: it changed while pinned");
        }
        transferred += written;
        return written;
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }

    @Override
    protected void deallocate() {
        // The file stays open for the transfer's next chunks; TransferSession closes it.
    }
}
