package dev.flotilla.compat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What etcdctl printed against one cluster, with what must differ between two clusters replaced by placeholders:
 * addresses (by node: {@code client-1}, {@code peer-2}, {@code peer-new}), member and cluster ids, Raft terms and
 * indexes, server versions and database sizes. Revisions stay: both clusters start at revision 1 and get the same
 * writes, so their revisions must agree.
 */
final class Transcript {
    private static final Pattern ADDED = Pattern.compile("Member +(\\S+) added to cluster +(\\S+)");
    private static final Pattern REMOVED = Pattern.compile("Member +(\\S+) removed from cluster +(\\S+)");
    private static final Pattern JSON_IDS = Pattern.compile("\"(cluster_id|member_id|raft_term)\":\\d+");
    private static final Pattern INITIAL_CLUSTER = Pattern.compile("ETCD_INITIAL_CLUSTER=\"([^\"]*)\"");

    private final ServerCluster cluster;
    private final String newPeerUrl;
    private final List<String> steps = new ArrayList<>();

    Transcript(ServerCluster cluster, String newPeerUrl) {
        this.cluster = cluster;
        this.newPeerUrl = newPeerUrl;
    }

    List<String> steps() {
        return List.copyOf(steps);
    }

    /** Records a step's output as it is, but for addresses, ids, terms and JSON header fields. */
    void add(String step, String output) {
        steps.add(step + "\n" + common(output));
    }

    /**
     * Records {@code etcdctl endpoint status}: per line, everything but the leader and learner flags hidden, lines
     * sorted (which node leads differs from one cluster to the other; that exactly one does, must not).
     */
    void addEndpointStatus(String step, String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] columns = line.split(", ", -1);
            for (int hidden : new int[] {0, 1, 2, 3, 6, 7, 8}) {
                columns[hidden] = "<" + hidden + ">";
            }
            // The errors column is empty; the output's last line lost its trailing separator to stripping.
            lines.add(String.join(", ", columns).replaceFirst(",\\s*$", ""));
        }
        steps.add(step + "\n" + String.join("\n", lines.stream().sorted().toList()));
    }

    /** Records {@code etcdctl member list}: ids hidden, lines sorted (etcd lists by its random ids). */
    void addMemberList(String step, String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] columns = line.split(", ", -1);
            columns[0] = "<id>";
            lines.add(common(String.join(", ", columns)));
        }
        steps.add(step + "\n" + String.join("\n", lines.stream().sorted().toList()));
    }

    private String common(String output) {
        String text = output.replace(newPeerUrl, "http://peer-new");
        for (int node = 1; node <= ServerCluster.SIZE; node++) {
            text = text.replace(cluster.peerUrl(node), "http://peer-" + node)
                    .replace(cluster.clientEndpoint(node), "client-" + node);
        }
        text = ADDED.matcher(text).replaceAll("Member <id> added to cluster <cluster>");
        text = REMOVED.matcher(text).replaceAll("Member <id> removed from cluster <cluster>");
        text = JSON_IDS.matcher(text).replaceAll("\"$1\":\"<hidden>\"");
        Matcher initial = INITIAL_CLUSTER.matcher(text);
        if (initial.find()) {
            String[] members = initial.group(1).split(",");
            Arrays.sort(members);
            text = initial.replaceFirst(
                    Matcher.quoteReplacement("ETCD_INITIAL_CLUSTER=\"" + String.join(",", members) + "\""));
        }
        return text;
    }
}
