package dev.flotilla.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;

/**
 * Three {@code flotilla server} processes, run from flotilla-cli's shaded jar (system property {@code flotilla.jar},
 * set by the POM), each with a config file written here.
 */
final class FlotillaCluster extends ServerCluster {
    static final long CLUSTER_ID = 7;

    private final Path jar;

    private FlotillaCluster(Path root, Path jar, Optional<TestCertificates> tls) {
        super(root, tls);
        this.jar = jar;
    }

    /** Starts the cluster and waits for its leader; fails with what to build if the jar is missing. */
    static FlotillaCluster start(Path root) throws IOException, InterruptedException {
        return start(root, Optional.empty());
    }

    /** With {@code tls}: the client ports serve TLS and require a client certificate signed by its CA. */
    static FlotillaCluster start(Path root, Optional<TestCertificates> tls) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("flotilla.jar", "../flotilla-cli/target/flotilla.jar"));
        if (!Files.isRegularFile(jar)) {
            Assertions.fail("no Flotilla jar at " + jar.toAbsolutePath()
                    + ": build it first (./mvnw -pl flotilla-cli -am package -DskipTests), or run ./mvnw verify");
        }
        FlotillaCluster cluster = new FlotillaCluster(root, jar, tls);
        cluster.start();
        return cluster;
    }

    @Override
    String kind() {
        return "flotilla";
    }

    @Override
    List<String> command(int node) throws IOException {
        Path config = root.resolve("node-" + node + ".yaml");
        StringBuilder yaml = new StringBuilder()
                .append("node-id: ")
                .append(node)
                .append('\n')
                .append("cluster-id: ")
                .append(CLUSTER_ID)
                .append('\n')
                .append("data-dir: ")
                .append(root.resolve("node-" + node))
                .append('\n')
                .append("initial-cluster:\n");
        for (int member = 1; member <= SIZE; member++) {
            yaml.append("  - id: ")
                    .append(member)
                    .append('\n')
                    .append("    peer-address: 127.0.0.1:")
                    .append(peerPorts.get(member - 1))
                    .append('\n')
                    .append("    client-address: 127.0.0.1:")
                    .append(clientPorts.get(member - 1))
                    .append('\n');
        }
        tls.ifPresent(certs -> yaml.append("client-transport-security:\n")
                .append("  cert-file: ")
                .append(certs.cert("server"))
                .append("\n  key-file: ")
                .append(certs.key("server"))
                .append("\n  trusted-ca-file: ")
                .append(certs.ca())
                .append("\n  client-cert-auth: true\n"));
        // The compat tests add users often: a cheaper hash than the default keeps them fast (still 10,000+).
        yaml.append("auth:\n  password-hash-iterations: 20000\n");
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                jar.toString(),
                "dev.flotilla.kv.cli.ServerCommand",
                "--config",
                config.toString());
    }
}
