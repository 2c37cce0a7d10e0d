package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flotilla bench jmh [JMH ARGS]}: the JMH micro-benchmarks of the bench module, with JMH's own options. */
@Command(
        name = "jmh",
        description = {
            "Run JMH micro-benchmarks built into this jar. Arguments go to JMH unchanged,",
            "e.g. 'flotilla bench jmh -l' lists them, 'flotilla bench jmh RaftCore -f 1 -wi 3 -i 5' runs one."
        })
final class JmhCommand implements Runnable {
    @Parameters(arity = "0..*", paramLabel = "JMH-ARG", description = "Passed to org.openjdk.jmh.Main.")
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
