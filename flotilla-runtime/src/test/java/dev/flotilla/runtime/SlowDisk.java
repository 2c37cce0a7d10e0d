package dev.flotilla.runtime;

import dev.flotilla.log.file.LogDirectory;
import dev.flotilla.log.file.LogFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** A file layer whose fsync takes {@code forceMillis}, so that sending too early has time to show. */
final class SlowDisk implements LogDirectory {
    private final LogDirectory delegate;
    private final long forceMillis;

    SlowDisk(LogDirectory delegate, long forceMillis) {
        this.delegate = delegate;
        this.forceMillis = forceMillis;
    }

    @Override
    public List<String> list() throws IOException {
        return delegate.list();
    }

    @Override
    public LogFile open(String name, boolean create) throws IOException {
        LogFile file = delegate.open(name, create);
        return new LogFile() {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                file.write(src, position);
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return file.read(dst, position);
            }

            @Override
            public void force() throws IOException {
                try {
                    Thread.sleep(forceMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                file.force();
            }

            @Override
            public long size() throws IOException {
                return file.size();
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public void rename(String from, String to) throws IOException {
        delegate.rename(from, to);
    }

    @Override
    public void delete(String name) throws IOException {
        delegate.delete(name);
    }

    @Override
    public void sync() throws IOException {
        delegate.sync();
    }
}
