package dev.flotilla.kv;

import dev.flotilla.kv.command.MemberRecord;
import dev.flotilla.transport.ClusterMembers;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Who the members of the cluster are and where they listen, as this node knows it: the member table that the first
 * range replicates (so a member added at run time becomes known to every node through the log), over the
 * configuration's {@code initial-cluster} for members that have no row yet.
 *
 * <p>It is the transport's address book: a removed member has no address, so this node neither contacts it nor
 * accepts its connections. Rows change on the Raft driver thread as the first range applies them; every method may
 * be called from any thread and only reads concurrent maps.
 */
public final class ClusterDirectory implements ClusterMembers {
    private final Map<Long, MemberConfig> initialCluster;
    private final Map<Long, MemberRecord> rows = new ConcurrentHashMap<>();
    private final Map<Long, InetSocketAddress> replicatedAddresses = new ConcurrentHashMap<>();

    /** {@code https} when the members serve clients over TLS: the scheme of the client URLs from the configuration. */
    private final String clientScheme;

    private ClusterDirectory(Map<Long, MemberConfig> initialCluster, String clientScheme) {
        this.clientScheme = clientScheme;
        this.initialCluster = initialCluster;
    }

    /** Loads the rows the store holds and follows the rows it applies from now on. */
    public static ClusterDirectory open(ServerConfig config, KvStore store) {
        ClusterDirectory directory = new ClusterDirectory(
                config.initialCluster().stream()
                        .collect(Collectors.toUnmodifiableMap(MemberConfig::id, Function.identity())),
                config.clientScheme());
        store.members(RangeMap.FIRST_RANGE).forEach(directory::apply);
        store.onMemberChange(directory::apply);
        return directory;
    }

    private void apply(MemberRecord row) {
        rows.put(row.getId(), row);
        Optional<InetSocketAddress> address =
                row.getPeerUrlsList().stream().findFirst().flatMap(MemberUrls::address);
        if (row.getRemoved() || address.isEmpty()) {
            replicatedAddresses.remove(row.getId());
        } else {
            replicatedAddresses.put(row.getId(), address.get());
        }
    }

    @Override
    public Optional<InetSocketAddress> addressOf(long nodeId) {
        MemberRecord row = rows.get(nodeId);
        if (row == null) {
            return Optional.ofNullable(initialCluster.get(nodeId)).map(MemberConfig::peerAddress);
        }
        return Optional.ofNullable(replicatedAddresses.get(nodeId));
    }

    /**
     * What the Cluster API reports about a member: its row, or for an initial member without one, a row made from the
     * configuration (named {@code node-<id>}). Empty for an id never seen, and for a removed member.
     */
    public Optional<MemberRecord> member(long id) {
        MemberRecord row = rows.get(id);
        if (row != null) {
            return row.getRemoved() ? Optional.empty() : Optional.of(row);
        }
        return Optional.ofNullable(initialCluster.get(id)).map(this::fromConfig);
    }

    /** Whether {@code id} was a member once and was removed: such an id is never given out again. */
    public boolean wasRemoved(long id) {
        MemberRecord row = rows.get(id);
        return row != null && row.getRemoved();
    }

    /** The highest member id this node has heard of, removed members included; 0 if none. */
    public long highestKnownId() {
        long highest = 0;
        for (long id : rows.keySet()) {
            highest = Math.max(highest, id);
        }
        for (long id : initialCluster.keySet()) {
            highest = Math.max(highest, id);
        }
        return highest;
    }

    /** The name of a started member: {@code node-<id>}. */
    public static String nameOf(long id) {
        return "node-" + id;
    }

    private MemberRecord fromConfig(MemberConfig member) {
        return MemberRecord.newBuilder()
                .setId(member.id())
                .setName(nameOf(member.id()))
                .addPeerUrls(member.peerUrl())
                .addClientUrls(member.clientUrl(clientScheme))
                .build();
    }
}
