package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code flotilla bench jmh [JMH ARGS]}: the JMH micro-benchmarks of the bench module, with JMH's own options. */
@Command(
        name = "jmh",
        description = {
            "Run JMH micro-benchmarks built into this jar. Every argument goes to JMH unchanged,",
            "e.g. 'flotilla bench jmh -l' lists them, 'flotilla bench jmh RaftCore -f 1 -wi 3 -i 5' runs one,",
            "'flotilla bench jmh -h' shows JMH's options."
        })
final class JmhCommand implements Runnable {
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public void run() {
        try {
            org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
        }
    }
}
