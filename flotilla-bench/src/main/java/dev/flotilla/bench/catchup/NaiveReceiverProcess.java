package dev.flotilla.bench.catchup;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * The receiving side of the naive baseline of {@code flotilla bench catchup}, in a JVM of its own as a new member
 * would be: {@code NaiveReceiverProcess TARGET-DIR}. Listens on a free loopback port and prints {@code listening
 * PORT}; accepts one connection, reads key-value pairs until the sender closes it (each pair: key length, key, value
 * length, value; lengths are 4-byte big-endian), puts each into a new RocksDB in TARGET-DIR with default options (WAL
 * on, as a user who does not tune it would have it), flushes, and prints {@code done PAIRS BYTES}, or {@code failed
 * MESSAGE} and exits with 1.
 */
public final class NaiveReceiverProcess {
    private NaiveReceiverProcess() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        RocksDB.loadLibrary();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Options options = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, Path.of(args[0]).toString())) {
            out.println("listening " + server.getLocalPort());
            long pairs = 0;
            long bytes = 0;
            try (Socket socket = server.accept();
                    DataInputStream in =
                            new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16))) {
                while (true) {
                    int keyLength;
                    try {
                        keyLength = in.readInt();
                    } catch (EOFException end) {
                        break;
                    }
                    byte[] key = in.readNBytes(keyLength);
                    byte[] value = in.readNBytes(in.readInt());
                    if (key.length != keyLength) {
                        throw new EOFException("the stream ended inside a pair");
                    }
                    db.put(key, value);
                    pairs++;
                    bytes += key.length + value.length;
                }
            }
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush);
            }
            out.println("done " + pairs + " " + bytes);
        } catch (Exception e) {
            out.println("failed " + e);
            System.exit(1);
        }
    }
}
