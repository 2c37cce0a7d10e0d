package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckLinearizableCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(List<String> lines, String... options) throws IOException {
        Path history = Files.write(dir.resolve("history.jsonl"), lines);
        CommandLine commandLine = new CommandLine(new FlotillaCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] args = new String[options.length + 3];
        args[0] = "check";
        args[1] = "linearizable";
        args[2] = history.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return commandLine.execute(args);
    }

    private static String event(String type, String f, String value, long time) {
        return "{\"process\": 1, \"type\": \"" + type + "\", \"f\": \"" + f + "\", \"key\": \"k\", \"value\": " + value
                + ", \"time\": " + time + "}";
    }

    @Test
    void linearizableHistoryExitsZero() throws IOException {
        int exit = check(List.of(event("invoke", "write", "1", 0), event("ok", "write", "1", 1)));
        assertEquals(0, exit);
        assertTrue(out.toString().startsWith("linearizable\n"), out.toString());
    }

    @Test
    void staleReadExitsOneAndNamesKeyAndWindow() throws IOException {
        int exit = check(List.of(
                event("invoke", "write", "1", 0),
                event("ok", "write", "1", 1),
                event("invoke", "read", "null", 2),
                event("ok", "read", "null", 3)));
        assertEquals(1, exit);
        assertTrue(out.toString().startsWith("not linearizable\nkey: k\n"), out.toString());
        assertTrue(out.toString().contains("#1 p1 k read  -> null"), out.toString());
    }

    @Test
    void malformedHistoryExitsTwoNamingTheLine() throws IOException {
        int exit = check(List.of(event("invoke", "write", "1", 0), "{oops"));
        assertEquals(2, exit);
        assertTrue(err.toString().contains("line 2: not valid JSON"), err.toString());
    }

    @Test
    void exhaustedBudgetExitsThree() throws IOException {
        List<String> big = dev.flotilla.check.HistoryGenerator.generate(3, 40_000, 1, 50, 0);
        assertEquals(3, check(big, "--timeout", "1ms"));
        assertTrue(out.toString().startsWith("unknown\n"), out.toString());
    }

    @Test
    void badTimeoutIsAUsageError() throws IOException {
        assertEquals(2, check(List.of(), "--timeout", "soon"));
        assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
    }
}
