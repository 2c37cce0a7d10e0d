package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimRaftCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new FlotillaCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private String lastLine() {
        String[] lines = out.toString().strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void cleanRunPrintsJsonSummaryLastAndExitsZero() {
        assertEquals(0, run("sim", "raft", "--seeds", "3", "--nodes", "3"));
        assertTrue(lastLine().matches("\\{.*\"seeds\":3,.*\"events\":\\d+,\"violations\":0.*}"), lastLine());
        assertTrue(err.toString().contains("3/3 seeds"), "progress goes to stderr: " + err);
    }

    @Test
    void plantedBugViolationExitsNonZeroWithSeedAndTrace() {
        assertEquals(1, run("sim", "raft", "--nodes", "5", "--plant-bug", "forget-vote"));
        assertTrue(lastLine().contains("\"violations\":1") && lastLine().contains("\"failingSeed\":"), lastLine());
        assertTrue(err.toString().contains("last events before it (replay with --seed"), err.toString());
    }

    @Test
    void unknownPlantedBugIsAUsageError() {
        assertEquals(2, run("sim", "raft", "--plant-bug", "no-such-bug"));
        assertTrue(err.toString().contains("no-such-bug"), err.toString());
    }
}
