package dev.flotilla.kv.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.LocalCluster;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Scrapes the Prometheus endpoint of real servers after some writes and checks the series and their values. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeMetricsTest {
    private static final int PUTS = 20;

    @TempDir
    static Path dir;

    LocalCluster cluster;
    long leader;
    long follower;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming());
        leader = cluster.awaitLeader();
        follower = leader == 1 ? 2 : 1;
        KVGrpc.KVBlockingStub kv =
                KVGrpc.newBlockingStub(cluster.channel(follower)).withDeadlineAfter(20, TimeUnit.SECONDS);
        for (int i = 0; i < PUTS; i++) {
            kv.put(PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("metrics/" + i))
                    .setValue(ByteString.copyFromUtf8("v"))
                    .build());
        }
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void everyNodeReportsTheRangesRaftStateWithSaneValues() throws Exception {
        for (long id = 1; id <= 3; id++) {
            Map<String, Double> series = scrape(id);
            String node = "node " + id + ": " + series;
            assertEquals(leader, series.get("flotilla_range_leader{range=\"1\"}"), node);
            assertEquals(id == leader ? 1.0 : 0.0, series.get("flotilla_range_is_leader{range=\"1\"}"), node);
            double term = series.get("flotilla_range_term{range=\"1\"}");
            double commit = series.get("flotilla_range_commit_index{range=\"1\"}");
            double applied = series.get("flotilla_range_applied_index{range=\"1\"}");
            double last = series.get("flotilla_range_last_index{range=\"1\"}");
            assertTrue(term >= 1, node);
            assertTrue(commit >= PUTS && applied <= commit && commit <= last, node);
            assertTrue(series.get("flotilla_log_live_bytes") > 0, node);
            // No member needed a snapshot: the series exist, at zero (RangeSnapshotCatchUpTest moves them).
            assertEquals(0.0, series.get("flotilla_snapshot_sent_bytes_total"), node);
            assertEquals(0.0, series.get("flotilla_snapshot_received_bytes_total"), node);
            assertTrue(series.get("flotilla_log_entries") >= last, node);
            double fsyncs = series.get("flotilla_log_fsync_seconds_count");
            double fsyncSeconds = series.get("flotilla_log_fsync_seconds_sum");
            assertTrue(fsyncs > 0 && fsyncSeconds > 0 && fsyncSeconds / fsyncs < 1, node);
        }
    }

    @Test
    void proposalLatencyIsATimedHistogramOnTheNodeThatTookTheRequests() throws Exception {
        Map<String, Double> series = scrape(follower);
        assertEquals(PUTS, series.get("flotilla_proposal_seconds_count{range=\"1\"}"), series.toString());
        double seconds = series.get("flotilla_proposal_seconds_sum{range=\"1\"}");
        assertTrue(seconds > 0 && seconds / PUTS < 5, series.toString());
        assertTrue(
                series.keySet().stream().anyMatch(name -> name.startsWith("flotilla_proposal_seconds_bucket{")),
                series.toString());
    }

    @Test
    void onlyTheMetricsPathIsServed() throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(uri(leader, "/other")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
    }

    /** Every sample of the scrape: series name with its labels, and value. */
    private Map<String, Double> scrape(long id) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(uri(id, "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private URI uri(long id, String path) {
        var address = cluster.server(id).metricsAddress().orElseThrow();
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }
}
