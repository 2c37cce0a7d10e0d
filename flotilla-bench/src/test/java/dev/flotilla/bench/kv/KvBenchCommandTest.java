package dev.flotilla.bench.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.kv.KvServer;
import dev.flotilla.kv.LimitsConfig;
import dev.flotilla.kv.LogConfig;
import dev.flotilla.kv.MemberConfig;
import dev.flotilla.kv.RaftTimingConfig;
import dev.flotilla.kv.RocksDbConfig;
import dev.flotilla.kv.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KvBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void everyOpRunsAndEndsWithAJsonSummaryOfSuccessfulOps() throws Exception {
        MemberConfig self =
                new MemberConfig(1, new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
        ServerConfig config = new ServerConfig(
                1,
                1,
                dir,
                self.peerAddress(),
                self.clientAddress(),
                List.of(self),
                new RaftTimingConfig(20, 10, 2, 3000),
                LogConfig.defaults(),
                new RocksDbConfig(4 << 20, 8 << 20),
                LimitsConfig.defaults());
        try (KvServer server = KvServer.start(config)) {
            String endpoint = "127.0.0.1:" + server.clientAddress().getPort();
            for (String op : List.of("put", "get", "txn", "watch", "lease")) {
                String json = lastLine(run(
                        "--endpoints",
                        endpoint,
                        "--clients",
                        "4",
                        "--op",
                        op,
                        "--keys",
                        "20",
                        "--seconds",
                        "1",
                        "--warmup-seconds",
                        "1",
                        "--watchers",
                        "10"));
                assertTrue(json.startsWith("{\"benchmark\": \"kv\", \"op\": \"" + op + "\""), json);
                assertEquals(0, number(json, "errors"), json);
                assertTrue(number(json, "ops") > 0, json);
                assertTrue(number(json, "p99_us") >= number(json, "p50_us"), json);
                if (op.equals("watch")) {
                    assertTrue(number(json, "events_per_sec") >= 10 * 0.9 * number(json, "ops_per_sec"), json);
                    assertEquals(0, number(json, "watches_canceled"), json);
                }
            }
        }
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new KvBenchCommand());
        command.setOut(new PrintWriter(out, true));
        assertEquals(0, command.execute(args), out.toString());
        return out.toString();
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": ?([0-9.]+)").matcher(json);
        assertTrue(m.find(), field + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }
}
