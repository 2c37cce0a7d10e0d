package dev.flotilla.snapshot;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A sender in its own JVM, for kill tests: {@code ServeProcess ROOT PORT} serves the snapshots under ROOT, prints
 * {@code listening}, and runs until its standard input ends.
 */
public final class ServeProcess {
    public static void main(String[] args) throws Exception {
        DirectorySnapshotSource source = new DirectorySnapshotSource(Path.of(args[0]));
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(address), source)) {
            System.out.println("listening");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
