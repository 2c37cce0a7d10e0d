package dev.flotilla.kv.cli;

import dev.flotilla.kv.etcd.etcdserverpb.MaintenanceGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.StatusRequest;
import dev.flotilla.kv.etcd.etcdserverpb.StatusResponse;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla status}: each endpoint's view of the cluster through the etcd Maintenance API (like {@code etcdctl
 * endpoint status}), so it works against Flotilla and etcd alike. An endpoint that does not answer is reported on
 * stderr and makes the exit code 1; the others are still listed.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows each endpoint's status: member id, version, DB size, leader, learner, term and indexes.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    EndpointOptions endpoints;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(
                "ENDPOINT",
                "ID",
                "VERSION",
                "DB SIZE",
                "LEADER",
                "LEARNER",
                "RAFT TERM",
                "RAFT INDEX",
                "APPLIED INDEX"));
        int exitCode = 0;
        for (String endpoint : endpoints.endpoints) {
            try {
                StatusResponse status = endpoints.callOne(endpoint, channel -> endpoints
                        .withDeadline(MaintenanceGrpc.newBlockingStub(channel))
                        .status(StatusRequest.getDefaultInstance()));
                rows.add(List.of(
                        endpoint,
                        MemberIds.format(status.getHeader().getMemberId()),
                        status.getVersion(),
                        Long.toString(status.getDbSize()),
                        MemberIds.format(status.getLeader()),
                        Boolean.toString(status.getIsLearner()),
                        Long.toString(status.getRaftTerm()),
                        Long.toString(status.getRaftIndex()),
                        Long.toString(status.getRaftAppliedIndex())));
            } catch (StatusRuntimeException e) {
                spec.commandLine().getErr().println("flotilla status: " + EndpointOptions.describe(endpoint, e));
                exitCode = 1;
            }
        }
        if (rows.size() > 1) {
            Table.print(rows, spec.commandLine().getOut());
        }
        return exitCode;
    }
}
