package dev.flotilla.kv.cli;

import dev.flotilla.kv.KvServer;
import dev.flotilla.kv.ServerConfig;
import dev.flotilla.kv.config.ConfigException;
import dev.flotilla.kv.config.ConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flotilla server}: runs one node until the process is told to stop (SIGTERM, SIGINT). */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Runs one Flotilla server: Raft node, RocksDB store and the etcd v3 gRPC API.",
            "Settings come from the YAML file given with --config (docs/kv-server.md); flags override it."
        })
public final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", description = "YAML config file")
    Optional<Path> config;

    @Option(names = "--node-id", description = "overrides node-id")
    Optional<String> nodeId;

    @Option(names = "--data-dir", description = "overrides data-dir")
    Optional<String> dataDir;

    @Option(names = "--peer-listen-address", description = "overrides peer-listen-address (host:port)")
    Optional<String> peerListenAddress;

    @Option(names = "--client-listen-address", description = "overrides client-listen-address (host:port)")
    Optional<String> clientListenAddress;

    @Option(
            names = "--set",
            description = "overrides any field by its dotted path, e.g. --set raft.tick-interval-ms=50",
            paramLabel = "PATH=VALUE")
    Map<String, String> set = new LinkedHashMap<>();

    /** Runs the command in a JVM of its own; {@code flotilla dev} starts its nodes this way. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig serverConfig;
        try {
            serverConfig = ConfigFile.parse(readConfig(), overrides());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("flotilla server: " + e.getMessage());
            return 2;
        }
        KvServer server = KvServer.start(serverConfig);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "flotilla-server-shutdown"));
        System.out.println("flotilla server: node " + serverConfig.nodeId() + " serves clients on "
                + serverConfig.clientListenAddress().getHostString() + ":"
                + server.clientAddress().getPort());
        stopped.await();
        return 0;
    }

    private String readConfig() throws IOException {
        if (config.isEmpty()) {
            return "";
        }
        if (!Files.isRegularFile(config.get())) {
            throw new ConfigException("config file " + config.get() + " does not exist");
        }
        return Files.readString(config.get());
    }

    private Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        nodeId.ifPresent(v -> overrides.put("node-id", v));
        dataDir.ifPresent(v -> overrides.put("data-dir", v));
        peerListenAddress.ifPresent(v -> overrides.put("peer-listen-address", v));
        clientListenAddress.ifPresent(v -> overrides.put("client-listen-address", v));
        return overrides;
    }
}
