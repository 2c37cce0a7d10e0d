package dev.flotilla.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Three real etcd processes ({@code etcd} on the PATH, Debian's etcd-server 3.4), named like Flotilla's nodes. */
final class EtcdCluster extends ServerCluster {
    private final Path binary;

    private EtcdCluster(Path root, Path binary, Optional<TestCertificates> tls) {
        super(root, tls);
        this.binary = binary;
    }

    /** The etcd binary, if one is installed and not ruled out with {@code -Dcompat.skipEtcd=true}. */
    static Optional<Path> binary() {
        if (Boolean.getBoolean("compat.skipEtcd")) {
            return Optional.empty();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "etcd");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts a cluster if etcd is installed; empty (the caller says why it skips) if not. */
    static Optional<EtcdCluster> startIfInstalled(Path root) throws IOException, InterruptedException {
        return startIfInstalled(root, Optional.empty());
    }

    /** With {@code tls}: https client URLs, {@code --client-cert-auth} with the certificates' CA. */
    static Optional<EtcdCluster> startIfInstalled(Path root, Optional<TestCertificates> tls)
            throws IOException, InterruptedException {
        Optional<Path> binary = binary();
        if (binary.isEmpty()) {
            return Optional.empty();
        }
        EtcdCluster cluster = new EtcdCluster(root, binary.get(), tls);
        cluster.start();
        return Optional.of(cluster);
    }

    @Override
    String kind() {
        return "etcd";
    }

    @Override
    List<String> command(int node) {
        List<String> initial = new ArrayList<>();
        for (int member = 1; member <= SIZE; member++) {
            initial.add("node-" + member + "=" + peerUrl(member));
        }
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--name=node-" + node,
                "--data-dir=" + root.resolve("node-" + node),
                "--listen-client-urls=" + clientUrl(node),
                "--advertise-client-urls=" + clientUrl(node),
                "--listen-peer-urls=" + peerUrl(node),
                "--initial-advertise-peer-urls=" + peerUrl(node),
                "--initial-cluster=" + String.join(",", initial),
                "--initial-cluster-token=flotilla-compat",
                "--initial-cluster-state=new"));
        tls.ifPresent(certs -> command.addAll(List.of(
                "--client-cert-auth",
                "--trusted-ca-file=" + certs.ca(),
                "--cert-file=" + certs.cert("server"),
                "--key-file=" + certs.key("server"))));
        return command;
    }
}
