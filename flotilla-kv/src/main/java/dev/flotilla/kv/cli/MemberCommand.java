package dev.flotilla.kv.cli;

import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.Member;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddResponse;
import dev.flotilla.kv.etcd.etcdserverpb.MemberListRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberPromoteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberRemoveRequest;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla member add|remove|promote|list}: the etcd Cluster API from the command line, so it works against
 * Flotilla and etcd alike. Member ids print in decimal (Flotilla's member ids are its node ids) and are read in
 * decimal or, with a {@code 0x} prefix, in hex (as etcdctl prints etcd's ids).
 */
@Command(
        name = "member",
        mixinStandardHelpOptions = true,
        description = "Lists and changes the members of a cluster (etcd Cluster API: Flotilla or etcd).",
        subcommands = {
            MemberCommand.Add.class,
            MemberCommand.Remove.class,
            MemberCommand.Promote.class,
            MemberCommand.ListMembers.class
        })
public final class MemberCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A subcommand with the Cluster API at hand. */
    abstract static class Subcommand extends ClientSubcommand {
        <T> T cluster(Function<ClusterGrpc.ClusterBlockingStub, T> call) throws EndpointOptions.UnreachableException {
            return endpoints.callAny((ManagedChannel channel) ->
                    call.apply(endpoints.withDeadline(ClusterGrpc.newBlockingStub(channel))));
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Adds a member; prints its id and the config settings it needs to join with 'flotilla server'.",
                "Add it as a learner, start it, let it catch up, then promote it."
            })
    static final class Add extends Subcommand {
        @Option(
                names = "--peer-urls",
                split = ",",
                required = true,
                description = "where the new member listens for peers, e.g. http://127.0.0.1:42380")
        List<String> peerUrls;

        @Option(names = "--learner", description = "add it as a learner (no vote until promoted)")
        boolean learner;

        @Override
        void run(PrintWriter out) throws EndpointOptions.UnreachableException {
            MemberAddResponse added = cluster(stub -> stub.memberAdd(MemberAddRequest.newBuilder()
                    .addAllPeerURLs(peerUrls)
                    .setIsLearner(learner)
                    .build()));
            long id = added.getMember().getID();
            out.printf(
                    "Member %s added to cluster %s%s.%n",
                    MemberIds.format(id),
                    MemberIds.format(added.getHeader().getClusterId()),
                    learner ? " as a learner" : "");
            out.println("To start it with 'flotilla server --config FILE', FILE needs:");
            out.printf("  node-id: %s%n  initial-cluster-state: existing%n  initial-cluster:%n", MemberIds.format(id));
            for (Member member : added.getMembersList()) {
                out.printf(
                        "    - id: %s%n      peer-address: %s%n      client-address: %s%n",
                        MemberIds.format(member.getID()),
                        hostPort(member.getPeerURLsList()),
                        member.getID() == id ? "<host:port for its clients>" : hostPort(member.getClientURLsList()));
            }
        }

        private static String hostPort(List<String> urls) {
            if (urls.isEmpty()) {
                return "<unknown: not started yet>";
            }
            URI uri = URI.create(urls.get(0));
            return uri.getHost() + ":" + uri.getPort();
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a member from the cluster.")
    static final class Remove extends Subcommand {
        @Parameters(paramLabel = "ID", description = "the member id (decimal, or hex with 0x)")
        String id;

        @Override
        void run(PrintWriter out) throws EndpointOptions.UnreachableException {
            long member = MemberIds.parse(id);
            cluster(stub -> stub.memberRemove(
                    MemberRemoveRequest.newBuilder().setID(member).build()));
            out.printf("Member %s removed.%n", MemberIds.format(member));
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Makes a learner a voting member, once it has caught up with the leader.")
    static final class Promote extends Subcommand {
        @Parameters(paramLabel = "ID", description = "the learner's member id (decimal, or hex with 0x)")
        String id;

        @Override
        void run(PrintWriter out) throws EndpointOptions.UnreachableException {
            long member = MemberIds.parse(id);
            cluster(stub -> stub.memberPromote(
                    MemberPromoteRequest.newBuilder().setID(member).build()));
            out.printf("Member %s promoted.%n", MemberIds.format(member));
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the members: id, started or not, name, peer and client URLs, learner or voter.")
    static final class ListMembers extends Subcommand {
        @Override
        void run(PrintWriter out) throws EndpointOptions.UnreachableException {
            List<Member> members = cluster(stub ->
                    stub.memberList(MemberListRequest.getDefaultInstance()).getMembersList());
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "STATUS", "NAME", "PEER URLS", "CLIENT URLS", "LEARNER"));
            for (Member member : members) {
                rows.add(List.of(
                        MemberIds.format(member.getID()),
                        member.getName().isEmpty() ? "unstarted" : "started",
                        member.getName(),
                        String.join(",", member.getPeerURLsList()),
                        String.join(",", member.getClientURLsList()),
                        Boolean.toString(member.getIsLearner())));
            }
            Table.print(rows, out);
        }
    }
}
