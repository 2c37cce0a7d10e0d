package dev.flotilla.chaos;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica check against three real server processes behind proxies: a node cut off from the others while writes
 * go on holds other data, and the check says so; once the cut heals, the node catches up and the check passes.
 */
class ReplicaHashesTest {
    @TempDir
    Path dir;

    @Test
    void aReplicaCutOffDuringWritesDiffersUntilHealed() throws Exception {
        try (ProxyNetwork network = ProxyNetwork.create(3);
                ServerNodes nodes = new ServerNodes(dir, 3, network, List.of())) {
            List<InetSocketAddress> clients = new ArrayList<>();
            for (int node = 1; node <= 3; node++) {
                clients.add(network.clientAddress(node));
            }
            try (EtcdClients etcd = new EtcdClients(clients, Duration.ofSeconds(2))) {
                nodes.startAll();
                writeOnce(etcd, "before", 1);
                assertTrue(ReplicaHashes.await(etcd, Duration.ofSeconds(30)).equal());

                network.cut(Set.of(new Link(1, 2), new Link(2, 1), new Link(1, 3), new Link(3, 1)));
                for (int i = 0; i < 5; i++) {
                    writeOnce(etcd, "during", 10 + i);
                }
                ReplicaHashes apart = ReplicaHashes.await(etcd, Duration.ofSeconds(3));
                assertFalse(apart.equal(), apart.perNode().toString());

                network.cut(Set.of());
                ReplicaHashes healed = ReplicaHashes.await(etcd, Duration.ofSeconds(30));
                assertTrue(healed.equal(), healed.perNode().toString());
            }
        }
    }

    /** Writes through nodes 2 and 3 (the majority in the cut above), retrying until one acknowledges. */
    private static void writeOnce(EtcdClients etcd, String key, long value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                etcd.write(2 + attempt % 2, key, value);
                return;
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no node took the write of " + key, e);
                }
                Thread.sleep(200);
            }
        }
    }
}
