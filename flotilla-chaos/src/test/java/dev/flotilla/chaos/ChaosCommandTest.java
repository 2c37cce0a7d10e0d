package dev.flotilla.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChaosCommandTest {
    private static String errorOf(int expectedExit, String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new ChaosCommand()).setErr(new PrintWriter(err));
        assertEquals(expectedExit, command.execute(args));
        return err.toString();
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingStarts() {
        assertTrue(errorOf(2, "--faults", "kill,flood").contains("unknown fault kind 'flood'"));
        assertTrue(errorOf(2, "--network", "wifi").contains("--network must be netns, proxy or auto, not 'wifi'"));
        assertTrue(errorOf(2, "--network", "proxy", "--nodes", "2").contains("at least 3 nodes"));
    }
}
