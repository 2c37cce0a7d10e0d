package dev.flotilla.kv.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flotilla.log.LogEngine;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;

/**
 * A node's Prometheus metrics, served over HTTP at {@code /metrics} (text exposition format):
 *
 * <ul>
 *   <li>per range (tag {@code range}): {@code flotilla_range_leader} (the leader's node id, 0 if none), {@code
 *       flotilla_range_is_leader}, {@code flotilla_range_term}, {@code flotilla_range_commit_index}, {@code
 *       flotilla_range_applied_index}, {@code flotilla_range_last_index} (the last entry in this node's log of the
 *       range), and {@code flotilla_proposal_seconds} (a histogram of proposals from submission until applied on this
 *       node, when proposals go through {@link #measuringProposals});
 *   <li>per node: {@code flotilla_log_live_bytes}, {@code flotilla_log_disk_bytes}, {@code flotilla_log_entries}
 *       (the shared log of every range) and {@code flotilla_log_fsync_seconds} (count and total time of the log's
 *       fdatasyncs), {@code flotilla_snapshot_sent_bytes_total} and {@code flotilla_snapshot_received_bytes_total}
 *       (range snapshot files sent by this node's snapshot server and fetched over the network, since start).
 * </ul>
 *
 * <p>Range values are read from the Raft node once per scrape, on the HTTP thread; ranges the node starts hosting
 * later appear at the next scrape. Scrapes are served one at a time on one daemon thread.
 */
public final class NodeMetrics implements AutoCloseable {
    private static final long STATUS_TIMEOUT_MS = 2000;

    private final PrometheusMeterRegistry registry;
    private final RaftNode node;
    private final Map<Long, Status> statuses = new ConcurrentHashMap<>();
    private final Set<Long> registeredRanges = ConcurrentHashMap.newKeySet();
    private final HttpServer server;
    private final ExecutorService executor;

    private NodeMetrics(PrometheusMeterRegistry registry, RaftNode node, HttpServer server, ExecutorService executor) {
        this.registry = registry;
        this.node = node;
        this.server = server;
        this.executor = executor;
    }

    /** Registers the node's metrics and serves them on {@code address} (port 0: any free port). */
    public static NodeMetrics start(InetSocketAddress address, RaftNode node, LogEngine log) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registerLog(registry, log);
        registerSnapshots(registry, node);
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            registry.close();
            throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "flotilla-metrics");
            thread.setDaemon(true);
            return thread;
        });
        NodeMetrics metrics = new NodeMetrics(registry, node, server, executor);
        server.createContext("/metrics", metrics::serve);
        server.setExecutor(executor);
        server.start();
        return metrics;
    }

    private static void registerSnapshots(PrometheusMeterRegistry registry, RaftNode node) {
        FunctionCounter.builder(
                        "flotilla.snapshot.sent", node, n -> n.snapshotTraffic().sentBytes())
                .baseUnit("bytes")
                .description("snapshot file bytes this node's snapshot server sent, re-sends included")
                .register(registry);
        FunctionCounter.builder("flotilla.snapshot.received", node, n -> n.snapshotTraffic()
                        .receivedBytes())
                .baseUnit("bytes")
                .description("snapshot file bytes this node fetched over the network (reused files not counted)")
                .register(registry);
    }

    private static void registerLog(PrometheusMeterRegistry registry, LogEngine log) {
        Gauge.builder("flotilla.log.live", log, l -> l.stats().liveBytes())
                .baseUnit("bytes")
                .description("bytes of live entries in the node's shared Raft log")
                .register(registry);
        Gauge.builder("flotilla.log.disk", log, l -> l.stats().diskBytes())
                .baseUnit("bytes")
                .description("size of the log's segment files, preallocated ones included")
                .register(registry);
        Gauge.builder("flotilla.log.entries", log, l -> l.stats().indexedEntries())
                .description("live entries in the log, all ranges")
                .register(registry);
        FunctionTimer.builder(
                        "flotilla.log.fsync",
                        log,
                        l -> l.stats().flushes(),
                        l -> l.stats().flushNanos(),
                        TimeUnit.NANOSECONDS)
                .description("fdatasyncs of the log's group-commit writes")
                .register(registry);
    }

    /** {@code raftNode} with its proposals timed into {@code flotilla_proposal_seconds}. */
    public RaftNode measuringProposals(RaftNode raftNode) {
        return new ProposalTimingNode(raftNode, registry);
    }

    /** Where the metrics are served (the bound port, when the address asked for port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            refreshRanges();
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Reads each hosted range's status once, registering the gauges of ranges seen for the first time. */
    private void refreshRanges() {
        for (long range : Set.copyOf(node.groups())) {
            try {
                Optional<Status> status = node.status(range).get(STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                status.ifPresentOrElse(s -> statuses.put(range, s), () -> statuses.remove(range));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                statuses.remove(range);
            }
            if (registeredRanges.add(range)) {
                registerRange(range);
            }
        }
    }

    private void registerRange(long range) {
        rangeGauge(range, "flotilla.range.leader", "the node that leads the range, 0 if none", Status::leader);
        rangeGauge(
                range,
                "flotilla.range.is.leader",
                "1 if this node leads the range",
                s -> s.role() == Role.LEADER ? 1 : 0);
        rangeGauge(range, "flotilla.range.term", "the range's current Raft term", s -> s.hardState()
                .term());
        rangeGauge(range, "flotilla.range.commit.index", "the range's commit index on this node", s -> s.hardState()
                .commit());
        rangeGauge(range, "flotilla.range.applied.index", "the range's applied index on this node", Status::applied);
        rangeGauge(
                range,
                "flotilla.range.last.index",
                "the last entry of the range's log on this node",
                Status::lastIndex);
    }

    private void rangeGauge(long range, String name, String description, ToDoubleFunction<Status> value) {
        Gauge.builder(name, statuses, s -> Optional.ofNullable(s.get(range))
                        .map(value::applyAsDouble)
                        .orElse(Double.NaN))
                .tag("range", Long.toString(range))
                .description(description)
                .register(registry);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        registry.close();
    }
}
