package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.kv.etcd.etcdserverpb.AuthEnableRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserChangePasswordRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserGrantRoleRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthenticateRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords never reach the disk: after users are added and a password changed through the API, no file of the
 * node's data directory (RocksDB's SSTs and logs, the Raft log) contains a password's bytes; yet after a restart the
 * users log in with them, because the salted hashes are there.
 */
class PasswordStorageTest {
    private static final String ROOT_PASSWORD = "Root-Pw-7c1e9b";
    private static final String FIRST = "Alice-First-4f2a8d";
    private static final String SECOND = "Alice-Second-91bb0c";

    @TempDir
    Path dir;

    @Test
    void noFileOfTheDataDirectoryHoldsAPasswordAndUsersStillLogInAfterARestart() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 1, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            AuthGrpc.AuthBlockingStub auth = auth(cluster);
            auth.userAdd(AuthUserAddRequest.newBuilder()
                    .setName("root")
                    .setPassword(ROOT_PASSWORD)
                    .build());
            auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                    .setUser("root")
                    .setRole("root")
                    .build());
            auth.userAdd(AuthUserAddRequest.newBuilder()
                    .setName("alice")
                    .setPassword(FIRST)
                    .build());
            auth.userChangePassword(AuthUserChangePasswordRequest.newBuilder()
                    .setName("alice")
                    .setPassword(SECOND)
                    .build());
            auth.authEnable(AuthEnableRequest.getDefaultInstance());
            cluster.stop(1); // flushes RocksDB: the users are in SST files now, not only in the Raft log
            List<Path> files = files(dir);
            assertTrue(files.size() > 5, "RocksDB and log files to scan: " + files);
            for (String password : List.of(ROOT_PASSWORD, FIRST, SECOND)) {
                for (Path file : files) {
                    assertFalse(
                            contains(Files.readAllBytes(file), password.getBytes(StandardCharsets.UTF_8)),
                            file + " holds the password " + password);
                }
            }
            cluster.start(1);
            cluster.awaitLeader();
            String token = auth(cluster)
                    .authenticate(AuthenticateRequest.newBuilder()
                            .setName("alice")
                            .setPassword(SECOND)
                            .build())
                    .getToken();
            assertFalse(token.isEmpty());
            assertEquals(false, token.contains(SECOND), "the token carries no password");
        }
    }

    private static AuthGrpc.AuthBlockingStub auth(LocalCluster cluster) {
        return AuthGrpc.newBlockingStub(cluster.channel(1)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return new ArrayList<>(walk.filter(Files::isRegularFile).toList());
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
