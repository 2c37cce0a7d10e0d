package dev.flotilla.compat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Distinct loopback ports that were free a moment ago, drawn below Linux's ephemeral range so that the servers' own
 * outgoing connections cannot take them before the servers bind. (This module shares no code with Flotilla's.)
 */
final class LocalPorts {
    private static final int LOWEST = 15_000;
    private static final int HIGHEST = 32_000;

    private LocalPorts() {}

    static List<Integer> take(int count) {
        List<Integer> ports = new ArrayList<>();
        for (int attempt = 0; ports.size() < count; attempt++) {
            if (attempt > 1000) {
                throw new IllegalStateException("no free ports between " + LOWEST + " and " + HIGHEST);
            }
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
            if (!ports.contains(port) && bindable(port)) {
                ports.add(port);
            }
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
