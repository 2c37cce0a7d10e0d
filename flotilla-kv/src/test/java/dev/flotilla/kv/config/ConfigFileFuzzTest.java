package dev.flotilla.kv.config;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;

/**
 * The config file comes from outside. Valid files mutated at random (characters replaced, inserted, deleted; lines
 * duplicated; random overrides) must parse or fail with a {@link ConfigException}; never another exception or a hang.
 */
class ConfigFileFuzzTest {
    private static final String FULL = ConfigFileTest.MINIMAL + """
            cluster-id: 9
            raft:
              tick-interval-ms: 50
              election-ticks: 20
              heartbeat-ticks: 2
              request-timeout-ms: 3000
            log:
              segment-size-bytes: 8388608
            rocksdb:
              write-buffer-size-bytes: 16777216
              block-cache-size-bytes: 0
            limits:
              max-request-bytes: 4096
              max-txn-ops: 8
            """;
    private static final String ALPHABET = " \n\t:-#[]{},.&*!|>'\"%@`0123456789abcdefxyz-_";
    private static final String[] OVERRIDE_PATHS = {
        "node-id",
        "data-dir",
        "raft.tick-interval-ms",
        "log",
        "limits.max-txn-ops",
        "initial-cluster",
        "x.y.z",
        ".",
        "",
        "raft.",
        ".raft",
        "a..b"
    };

    @Property(tries = 200_000)
    @Tag("soak")
    void mutatedFilesParseOrFailWithAConfigExceptionAtLength(@ForAll long seed) {
        mutatedFilesParseOrFailWithAConfigException(seed);
    }

    @Property(tries = 2000)
    void mutatedFilesParseOrFailWithAConfigException(@ForAll long seed) {
        Random random = new Random(seed);
        String yaml = mutate(random.nextBoolean() ? FULL : ConfigFileTest.MINIMAL, random);
        Map<String, String> overrides = new HashMap<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            overrides.put(OVERRIDE_PATHS[random.nextInt(OVERRIDE_PATHS.length)], mutate("12", random));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                ConfigFile.parse(yaml, overrides);
            } catch (ConfigException expected) {
                // A bad file, named as such.
            }
        });
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
            int at = out.length() == 0 ? 0 : random.nextInt(out.length());
            char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            switch (random.nextInt(4)) {
                case 0 -> out.insert(at, c);
                case 1 -> {
                    if (out.length() > 0) {
                        out.deleteCharAt(at);
                    }
                }
                case 2 -> {
                    if (out.length() > 0) {
                        out.setCharAt(at, c);
                    }
                }
                default -> {
                    int lineStart = out.lastIndexOf("\n", at) + 1;
                    int lineEnd = out.indexOf("\n", at);
                    if (lineEnd > lineStart) {
                        out.insert(lineStart, out.substring(lineStart, lineEnd + 1));
                    }
                }
            }
        }
        return out.toString();
    }
}
