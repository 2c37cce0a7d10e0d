package dev.flotilla.kv;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Distinct loopback ports that were free a moment ago, for servers started by tests. They are drawn below Linux's
 * ephemeral range (32768 and up), so the outgoing connections of the servers themselves cannot take them between the
 * test's choice and the server's bind, as an ephemeral port from {@code new ServerSocket(0)} could be.
 */
public final class FreePorts {
    private static final int LOWEST = 15_000;
    private static final int HIGHEST = 32_000;

    private FreePorts() {}

    public static List<Integer> take(int count) {
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
