package dev.flotilla.bench.runtime;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports for the benchmark's servers on 127.0.0.1. */
final class LoopbackPorts {
    private LoopbackPorts() {}

    /** A port that was free a moment ago; good enough for servers that bind it right away. */
    static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
