package dev.flotilla.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A key-value map in memory, for tests and benchmarks. Nothing survives a restart ({@link #durableAppliedIndex()} is
 * 0), so the runtime replays the whole log into it (or a snapshot marker's copy, then the log after it).
 *
 * <p>Commands are {@link #put(String, String)} encodings; queries are keys. A put returns the previous value (empty if
 * none); a query returns the value (empty if none). Unknown commands are applied as no-ops returning empty, so a
 * benchmark may propose arbitrary bytes. Methods are synchronized so tests may inspect it from their own thread.
 */
public final class InMemoryStateMachine implements StateMachine {
    private static final byte PUT = 1;

    private final Map<String, byte[]> values = new TreeMap<>();
    private long appliedIndex;

    /** The command that sets {@code key} to {@code value}. */
    public static byte[] put(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + k.length + v.length)
                .put(PUT)
                .putInt(k.length)
                .put(k)
                .put(v)
                .array();
    }

    /** The query that reads {@code key}. */
    public static byte[] get(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized List<byte[]> apply(List<AppliedCommand> commands, long appliedIndex) {
        List<byte[]> results = new ArrayList<>(commands.size());
        for (AppliedCommand command : commands) {
            results.add(applyOne(command.data()));
        }
        this.appliedIndex = appliedIndex;
        return results;
    }

    private byte[] applyOne(byte[] data) {
        if (data.length < 5 || data[0] != PUT) {
            return new byte[0];
        }
        ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
        int keyLength = in.getInt();
        if (keyLength < 0 || keyLength > in.remaining()) {
            return new byte[0];
        }
        byte[] key = new byte[keyLength];
        in.get(key);
        byte[] value = new byte[in.remaining()];
        in.get(value);
        byte[] previous = values.put(new String(key, StandardCharsets.UTF_8), value);
        return previous == null ? new byte[0] : previous;
    }

    @Override
    public synchronized byte[] query(byte[] query) {
        byte[] value = values.get(new String(query, StandardCharsets.UTF_8));
        return value == null ? new byte[0] : value.clone();
    }

    @Override
    public long durableAppliedIndex() {
        return 0;
    }

    /** Encoding: the entry count, then per entry in key order: key length, key (UTF-8), value length, value. */
    @Override
    public synchronized byte[] snapshot() {
        List<byte[]> keys = new ArrayList<>(values.size());
        int size = Integer.BYTES;
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            keys.add(key);
            size += 2 * Integer.BYTES + key.length + e.getValue().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(values.size());
        int i = 0;
        for (byte[] value : values.values()) {
            byte[] key = keys.get(i++);
            out.putInt(key.length).put(key).putInt(value.length).put(value);
        }
        return out.array();
    }

    @Override
    public synchronized void restore(byte[] snapshot, long appliedIndex) {
        Map<String, byte[]> restored = new TreeMap<>();
        try {
            ByteBuffer in = ByteBuffer.wrap(snapshot);
            for (int count = in.getInt(); count > 0; count--) {
                String key = new String(bytes(in), StandardCharsets.UTF_8);
                restored.put(key, bytes(in));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the last entry");
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated snapshot", e);
        }
        values.clear();
        values.putAll(restored);
        this.appliedIndex = appliedIndex;
    }

    private static byte[] bytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad length " + length + " with " + in.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    /** The index applied so far (for tests). */
    public synchronized long appliedIndex() {
        return appliedIndex;
    }

    /** A copy of the contents (for tests comparing replicas). */
    public synchronized Map<String, String> contents() {
        Map<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> copy.put(k, new String(v, StandardCharsets.UTF_8)));
        return copy;
    }
}
