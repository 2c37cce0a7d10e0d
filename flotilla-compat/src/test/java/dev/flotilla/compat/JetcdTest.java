package dev.flotilla.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberAddResponse;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jetcd 0.8.7, a third-party Java client with its own gRPC and protobuf, against three Flotilla server processes;
 * the same tests run against a real etcd 3.4 when it is installed, so every assertion holds for both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JetcdTest {
    @TempDir
    static Path dir;

    final Map<String, ServerCluster> clusters = new TreeMap<>();
    final Map<String, Client> clients = new TreeMap<>();

    @BeforeAll
    void start() throws Exception {
        clusters.put("flotilla", FlotillaCluster.start(dir.resolve("flotilla")));
        EtcdCluster.startIfInstalled(dir.resolve("etcd")).ifPresent(etcd -> clusters.put("etcd", etcd));
        clusters.forEach((name, cluster) -> clients.put(name, cluster.jetcd()));
    }

    @AfterAll
    void stop() {
        clients.values().forEach(Client::close);
        clusters.values().forEach(ServerCluster::close);
    }

    private Client client(String target) {
        Assumptions.assumeTrue(
                clients.containsKey(target),
                "no etcd (not installed: apt-get install etcd-server; or -Dcompat.skipEtcd=true): etcd side skipped");
        return clients.get(target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flotilla", "etcd"})
    void putGetDeleteWithRevisionsAndPreviousValues(String target) throws Exception {
        KV kv = client(target).getKVClient();
        PutResponse first = get(kv.put(bytes("jetcd/a"), bytes("1")));
        PutResponse second = get(kv.put(
                bytes("jetcd/a"), bytes("2"), PutOption.builder().withPrevKV().build()));
        assertTrue(second.hasPrevKv());
        assertEquals("1", string(second.getPrevKv().getValue()));
        assertEquals(first.getHeader().getRevision() + 1, second.getHeader().getRevision());

        GetResponse latest = get(kv.get(bytes("jetcd/a")));
        assertEquals("2", string(latest.getKvs().get(0).getValue()));
        assertEquals(2, latest.getKvs().get(0).getVersion());
        assertEquals(first.getHeader().getRevision(), latest.getKvs().get(0).getCreateRevision());
        GetResponse old = get(kv.get(
                bytes("jetcd/a"),
                GetOption.builder()
                        .withRevision(first.getHeader().getRevision())
                        .build()));
        assertEquals("1", string(old.getKvs().get(0).getValue()));

        get(kv.put(bytes("jetcd/b"), bytes("3")));
        GetResponse prefix = get(kv.get(
                bytes("jetcd/"),
                GetOption.builder()
                        .isPrefix(true)
                        .withSortOrder(GetOption.SortOrder.DESCEND)
                        .withLimit(1)
                        .build()));
        assertEquals(
                List.of("jetcd/b"),
                prefix.getKvs().stream().map(k -> string(k.getKey())).toList());
        assertTrue(prefix.isMore());
        assertEquals(2, prefix.getCount());

        DeleteResponse deleted = get(kv.delete(
                bytes("jetcd/"),
                DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
        assertEquals(2, deleted.getDeleted());
        assertEquals(2, deleted.getPrevKvs().size());
        assertEquals(0, get(kv.get(bytes("jetcd/a"))).getCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"flotilla", "etcd"})
    void txnChoosesItsBranchByCompare(String target) throws Exception {
        KV kv = client(target).getKVClient();
        get(kv.put(bytes("txn/flag"), bytes("on")));
        TxnResponse taken = get(kv.txn()
                .If(new Cmp(bytes("txn/flag"), Cmp.Op.EQUAL, CmpTarget.value(bytes("on"))))
                .Then(Op.put(bytes("txn/out"), bytes("then"), PutOption.DEFAULT))
                .Else(Op.put(bytes("txn/out"), bytes("else"), PutOption.DEFAULT))
                .commit());
        assertTrue(taken.isSucceeded());
        assertEquals(
                "then", string(get(kv.get(bytes("txn/out"))).getKvs().get(0).getValue()));

        TxnResponse notTaken = get(kv.txn()
                .If(new Cmp(bytes("txn/flag"), Cmp.Op.GREATER, CmpTarget.version(5)))
                .Then(Op.put(bytes("txn/out"), bytes("then2"), PutOption.DEFAULT))
                .Else(Op.get(bytes("txn/flag"), GetOption.DEFAULT))
                .commit());
        assertFalse(notTaken.isSucceeded());
        assertEquals(
                "on", string(notTaken.getGetResponses().get(0).getKvs().get(0).getValue()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"flotilla", "etcd"})
    void compactMakesOlderRevisionsUnreadable(String target) throws Exception {
        KV kv = client(target).getKVClient();
        long old = get(kv.put(bytes("compact/k"), bytes("old"))).getHeader().getRevision();
        long now = get(kv.put(bytes("compact/k"), bytes("new"))).getHeader().getRevision();
        get(kv.compact(now));
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> get(kv.get(
                        bytes("compact/k"),
                        GetOption.builder().withRevision(old).build())));
        assertTrue(e.getCause().getMessage().contains("required revision has been compacted"), e.toString());
        assertEquals(
                "new", string(get(kv.get(bytes("compact/k"))).getKvs().get(0).getValue()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"flotilla", "etcd"})
    void memberListAddAsLearnerAndRemove(String target) throws Exception {
        ServerCluster cluster = clusters.get(target);
        io.etcd.jetcd.Cluster api = client(target).getClusterClient();
        List<Member> members = sorted(get(api.listMember()).getMembers());
        assertEquals(
                List.of("node-1", "node-2", "node-3"),
                members.stream().map(Member::getName).toList());
        for (int node = 1; node <= 3; node++) {
            Member member = members.get(node - 1);
            assertEquals(List.of(URI.create(cluster.peerUrl(node))), member.getPeerURIs());
            assertEquals(List.of(URI.create(cluster.clientUrl(node))), member.getClientURIs());
            assertFalse(member.isLearner());
        }

        URI newPeer = URI.create("http://127.0.0.1:" + LocalPorts.take(1).get(0));
        MemberAddResponse added = addWhenHealthy(api, newPeer);
        assertTrue(added.getMember().isLearner());
        assertEquals(List.of(newPeer), added.getMember().getPeerURIs());
        assertEquals(4, added.getMembers().size());
        Optional<Member> listed = get(api.listMember()).getMembers().stream()
                .filter(m -> m.getId() == added.getMember().getId())
                .findFirst();
        assertTrue(listed.isPresent() && listed.get().isLearner(), "the learner is listed as a learner");
        assertEquals("", listed.get().getName(), "a member that has not started has no name yet");

        get(api.removeMember(added.getMember().getId()));
        assertEquals(3, get(api.listMember()).getMembers().size());
        ExecutionException unknown = assertThrows(
                ExecutionException.class,
                () -> get(api.removeMember(added.getMember().getId())));
        assertTrue(unknown.getCause().getMessage().contains("member not found"), unknown.toString());
    }

    /**
     * etcd refuses membership changes ("unhealthy cluster") until its members have been connected for a few seconds
     * (its strict reconfiguration check); a client retries, as this does.
     */
    private static MemberAddResponse addWhenHealthy(io.etcd.jetcd.Cluster api, URI peer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                return get(api.addMember(List.of(peer), true));
            } catch (ExecutionException e) {
                if (!e.getCause().getMessage().contains("unhealthy cluster") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static List<Member> sorted(List<Member> members) {
        return members.stream().sorted(Comparator.comparing(Member::getName)).toList();
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        return future.get(15, TimeUnit.SECONDS);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String string(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
