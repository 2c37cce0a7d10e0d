package dev.flotilla.chaos;

import dev.flotilla.kv.etcd.etcdserverpb.HashKVResponse;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares the replicas after the run: each node's {@code HashKV} checksum of its data at its latest revision. With
 * the clients stopped, every node reaches the same revision once it has applied the whole log, so the check waits
 * (bounded) until all nodes answer with one revision, and then the checksums must be equal.
 *
 * @param equal whether every node answered with the same revision and the same checksum in time
 * @param perNode what each node answered last ({@code node N: revision R hash H}, or its error)
 */
record ReplicaHashes(boolean equal, List<String> perNode) {
    private static final long POLL_MILLIS = 200;

    static ReplicaHashes await(EtcdClients etcd, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> answers = new ArrayList<>();
            List<Long> revisions = new ArrayList<>();
            List<Integer> hashes = new ArrayList<>();
            for (int node = 1; node <= etcd.nodes(); node++) {
                try {
                    HashKVResponse response = etcd.hashKv(node);
                    revisions.add(response.getHeader().getRevision());
                    hashes.add(response.getHash());
                    answers.add("node " + node + ": revision "
                            + response.getHeader().getRevision() + " hash "
                            + Integer.toUnsignedString(response.getHash()));
                } catch (StatusRuntimeException e) {
                    answers.add("node " + node + ": " + e.getStatus());
                }
            }
            boolean allAnswered = revisions.size() == etcd.nodes();
            boolean sameRevision = revisions.stream().distinct().count() == 1;
            if (allAnswered && sameRevision) {
                return new ReplicaHashes(hashes.stream().distinct().count() == 1, answers);
            }
            if (System.nanoTime() > deadline) {
                return new ReplicaHashes(false, answers);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
