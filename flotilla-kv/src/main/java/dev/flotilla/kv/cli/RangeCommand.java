package dev.flotilla.kv.cli;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.admin.ListRangesRequest;
import dev.flotilla.kv.admin.RangeAdminGrpc;
import dev.flotilla.kv.admin.RangeInfo;
import dev.flotilla.kv.admin.SplitRangeRequest;
import dev.flotilla.kv.admin.SplitRangeResponse;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla range split|list}: Flotilla's range admin API ({@code flotilla.admin.RangeAdmin}) from the command
 * line. Keys are given and printed as UTF-8; bytes that are not printable ASCII print as {@code \xNN}.
 */
@Command(
        name = "range",
        mixinStandardHelpOptions = true,
        description = "Lists the ranges of a Flotilla cluster and splits them.",
        subcommands = {RangeCommand.SplitRange.class, RangeCommand.ListRanges.class})
public final class RangeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A subcommand with the range admin API at hand. */
    abstract static class Subcommand extends ClientSubcommand {
        <T> T admin(Function<RangeAdminGrpc.RangeAdminBlockingStub, T> call)
                throws EndpointOptions.UnreachableException {
            return endpoints.callAny((ManagedChannel channel) ->
                    call.apply(endpoints.withDeadline(RangeAdminGrpc.newBlockingStub(channel))));
        }
    }

    @Command(
            name = "split",
            mixinStandardHelpOptions = true,
            description = "Splits the range that owns KEY at it: KEY and the keys above it move to a new range.")
    static final class SplitRange extends Subcommand {
        @Parameters(index = "0", paramLabel = "KEY", description = "where the new range starts")
        String key;

        @Override
        void run(PrintWriter out) throws EndpointOptions.UnreachableException {
            if (key.isEmpty()) {
                throw new IllegalArgumentException("the split key must not be empty");
            }
            SplitRangeResponse split = admin(stub -> stub.splitRange(SplitRangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8(key))
                    .build()));
            out.println("Split range " + split.getLeft().getId() + " at "
                    + printable(split.getRight().getStart())
                    + ": range " + split.getLeft().getId() + " " + span(split.getLeft()) + ", range "
                    + split.getRight().getId() + " " + span(split.getRight()));
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "Lists the ranges in key order: id, start, end, leader and revision (as one node knows them).")
    static final class ListRanges extends Subcommand {
        @Override
        void run(PrintWriter out) throws EndpointOptions.UnreachableException {
            List<RangeInfo> ranges = admin(stub -> stub.listRanges(ListRangesRequest.getDefaultInstance()))
                    .getRangesList();
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("RANGE", "START", "END", "LEADER", "REVISION"));
            for (RangeInfo range : ranges) {
                rows.add(List.of(
                        Long.toString(range.getId()),
                        printable(range.getStart()),
                        range.hasEnd() ? printable(range.getEnd()) : "-",
                        range.getLeader() == 0 ? "-" : MemberIds.format(range.getLeader()),
                        Long.toString(range.getRevision())));
            }
            Table.print(rows, out);
        }
    }

    private static String span(RangeInfo range) {
        return "[" + printable(range.getStart()) + ", " + (range.hasEnd() ? printable(range.getEnd()) : "") + ")";
    }

    /** The key in single quotes, non-printable bytes as {@code \xNN}. */
    static String printable(ByteString key) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < key.size(); i++) {
            int b = key.byteAt(i) & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\' && b != '\'') {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        return out.append('\'').toString();
    }
}
