package dev.flotilla.bench.catchup;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * What users do today to bring a new member up: one thread iterates every key of the leader's RocksDB and streams the
 * pairs, length-prefixed, over TCP to another process that puts them into a fresh RocksDB ({@link
 * NaiveReceiverProcess}). The source is opened read-only, so it must not be open for writing elsewhere (the
 * benchmark stops the leader first).
 */
final class NaiveBaseline {
    private NaiveBaseline() {}

    /** One copy: wall time from the first key read to the receiver's flushed store, and what was sent. */
    record Result(double seconds, long pairs, long bytes) {}

    /**
     * Copies the store in {@code source} into a new store in {@code target} through a receiver process started with
     * {@code jvmOptions} on this JVM's class path, handed to {@code onStart} (to be killed if the run is cut short).
     * The receiver is killed when the copy ends.
     */
    static Result copy(Path source, Path target, List<String> jvmOptions, Consumer<Process> onStart, Deadline deadline)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), NaiveReceiverProcess.class.getName(), target.toString()));
        Process receiver = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        onStart.accept(receiver);
        try {
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(expect(lines, "listening")[1]);
            long started = System.nanoTime();
            long pairs = send(source, port, deadline);
            String[] done = expect(lines, "done");
            double seconds = (System.nanoTime() - started) / 1e9;
            if (Long.parseLong(done[1]) != pairs) {
                throw new IOException("the naive receiver stored " + done[1] + " pairs of the " + pairs + " sent");
            }
            return new Result(seconds, pairs, Long.parseLong(done[2]));
        } finally {
            receiver.destroyForcibly();
            receiver.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long send(Path source, int port, Deadline deadline) throws IOException {
        try (Options options = new Options();
                RocksDB db = RocksDB.openReadOnly(options, source.toString());
                RocksIterator keys = db.newIterator();
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                DataOutputStream out =
                        new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16))) {
            long pairs = 0;
            for (keys.seekToFirst(); keys.isValid(); keys.next()) {
                byte[] key = keys.key();
                byte[] value = keys.value();
                out.writeInt(key.length);
                out.write(key);
                out.writeInt(value.length);
                out.write(value);
                if (++pairs % 1024 == 0) {
                    deadline.check("running the naive baseline");
                }
            }
            keys.status();
            return pairs;
        } catch (RocksDBException e) {
            throw new IOException("reading the leader's store in " + source + " failed: " + e.getMessage(), e);
        }
    }

    private static String[] expect(BufferedReader lines, String word) throws IOException {
        String line = lines.readLine();
        if (line == null || !line.startsWith(word + " ")) {
            throw new IOException("the naive receiver said '" + line + "' instead of '" + word + " ...'");
        }
        return line.split(" ");
    }
}
