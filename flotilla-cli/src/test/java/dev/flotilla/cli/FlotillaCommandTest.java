package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FlotillaCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new FlotillaCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void versionNamesTheBuiltVersion() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().matches("(?s)flotilla \\d+\\.\\d+\\.\\d+.*"), out.toString());
    }

    @Test
    void helpShowsUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().startsWith("Usage: flotilla"), out.toString());
    }

    @Test
    void unknownOptionIsAUsageErrorThatNamesTheOption() {
        assertEquals(2, run("--no-such-option"));
        assertTrue(err.toString().contains("--no-such-option"), err.toString());
    }

    @Test
    void theServerCommandsAreListed() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("  dev "), out.toString());
        assertTrue(out.toString().contains("  server "), out.toString());
    }

    @Test
    void serverWithABadConfigFieldFailsNamingTheField() {
        assertEquals(2, run("server", "--node-id", "0", "--data-dir", "x", "--set", "initial-cluster=none"));
        assertTrue(err.toString().contains("config field 'initial-cluster'"), err.toString());
    }
}
