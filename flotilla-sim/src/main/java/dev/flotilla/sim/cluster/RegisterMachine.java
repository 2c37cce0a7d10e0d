package dev.flotilla.sim.cluster;

import dev.flotilla.runtime.StateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated application: a map of registers (key to a JSON value text) with write and compare-and-set, saved to
 * the node's simulated state disk every few applied entries so that {@link #durableAppliedIndex()} is real and the
 * runtime's log compaction and snapshot paths run.
 *
 * <p>Commands are UTF-8 texts: {@code W|key|value} (result {@code ok}) and {@code C|key|expected|new} (result {@code 1}
 * if it swapped, {@code 0} if not). A query is a key; its answer is the value, or {@code null} for an absent key.
 */
final class RegisterMachine implements StateMachine {
    static final String ABSENT = "null";
    private static final String OK = "ok";

    private final long groupId;
    private final SimulatedDisk disk;
    private final long saveEveryEntries;
    private final TreeMap<String, String> registers = new TreeMap<>();
    private long applied;
    private long lastSaveRequested;
    private long durableIndex;
    private boolean closed;

    /** Opens group {@code groupId}'s registers, as last saved on {@code disk}. */
    RegisterMachine(long groupId, SimulatedDisk disk, long saveEveryEntries) {
        this.groupId = groupId;
        this.disk = disk;
        this.saveEveryEntries = saveEveryEntries;
        load();
    }

    static byte[] write(String key, String value) {
        return utf8("W|" + key + "|" + value);
    }

    static byte[] cas(String key, String expected, String value) {
        return utf8("C|" + key + "|" + expected + "|" + value);
    }

    static byte[] query(String key) {
        return utf8(key);
    }

    @Override
    public List<byte[]> apply(List<AppliedCommand> commands, long appliedIndex) {
        List<byte[]> results = new ArrayList<>(commands.size());
        for (AppliedCommand command : commands) {
            results.add(utf8(applyOne(new String(command.data(), StandardCharsets.UTF_8))));
        }
        applied = appliedIndex;
        if (applied - lastSaveRequested >= saveEveryEntries) {
            save();
        }
        return results;
    }

    private String applyOne(String command) {
        String[] parts = command.split("\\|");
        if (parts[0].equals("W") && parts.length == 3) {
            registers.put(parts[1], parts[2]);
            return OK;
        }
        if (parts[0].equals("C") && parts.length == 4) {
            if (!registers.getOrDefault(parts[1], ABSENT).equals(parts[2])) {
                return "0";
            }
            registers.put(parts[1], parts[3]);
            return "1";
        }
        throw new IllegalStateException("group " + groupId + ": unknown command " + command);
    }

    @Override
    public byte[] query(byte[] query) {
        return utf8(registers.getOrDefault(new String(query, StandardCharsets.UTF_8), ABSENT));
    }

    @Override
    public long durableAppliedIndex() {
        return durableIndex;
    }

    /** Sorted {@code key=value} lines. */
    @Override
    public byte[] snapshot() {
        StringBuilder out = new StringBuilder();
        registers.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return utf8(out.toString());
    }

    @Override
    public void restore(byte[] snapshot, long appliedIndex) {
        Map<String, String> parsed = new TreeMap<>();
        for (String line : new String(snapshot, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("group " + groupId + ": not a register snapshot line: " + line);
            }
            parsed.put(line.substring(0, eq), line.substring(eq + 1));
        }
        registers.clear();
        registers.putAll(parsed);
        applied = appliedIndex;
    }

    /** The applied index and the state, for comparing replicas. */
    long appliedIndex() {
        return applied;
    }

    @Override
    public void close() {
        closed = true;
    }

    private String fileName() {
        return "group-" + groupId + ".state";
    }

    /** Writes the state to a temporary file, syncs, renames it into place; durable once the disk says so. */
    private void save() {
        long index = applied;
        byte[] state = snapshot();
        ByteBuffer contents = ByteBuffer.allocate(Long.BYTES + state.length)
                .putLong(index)
                .put(state)
                .flip();
        try {
            disk.delete(fileName() + ".tmp"); // left by a crash, perhaps longer than this state
            var file = disk.open(fileName() + ".tmp", true);
            file.write(contents, 0);
            file.force();
            disk.rename(fileName() + ".tmp", fileName());
            disk.sync();
        } catch (IOException e) {
            return; // the disk is full: the state stays only in memory until the next save
        }
        lastSaveRequested = index;
        disk.whenDurable("group " + groupId + " state saved at " + index, () -> {
            if (!closed) {
                durableIndex = Math.max(durableIndex, index);
            }
        });
    }

    private void load() {
        if (!disk.list().contains(fileName())) {
            return;
        }
        try {
            var file = disk.open(fileName(), false);
            ByteBuffer contents = ByteBuffer.allocate((int) file.size());
            file.read(contents, 0);
            contents.flip();
            long index = contents.getLong();
            byte[] state = new byte[contents.remaining()];
            contents.get(state);
            restore(state, index);
            durableIndex = index;
            lastSaveRequested = index;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
