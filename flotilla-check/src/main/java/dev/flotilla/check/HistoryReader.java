package dev.flotilla.check;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a history in JSON lines, one event per line:
 *
 * <pre>{"process": 3, "type": "invoke"|"ok"|"fail"|"info", "f": "read"|"write"|"cas", "key": "k1", "value": ..., "time": nanos}</pre>
 *
 * <p>Each process has at most one operation in flight: its {@code invoke} is closed by the next {@code ok}, {@code
 * fail} or {@code info} of the same process, with the same {@code f} (and {@code key}, if the completion names one).
 * A write's value and a cas's {@code [expected, new]} come from the invocation; a read's value comes from its {@code
 * ok}, {@code null} meaning the key was absent. An invocation never completed counts as {@code info}. Other fields are
 * ignored, so Jepsen-style histories with extra fields read as they are. Blank lines are skipped.
 */
public final class HistoryReader {
    private static final JsonFactory JSON = new JsonFactory();

    private record Event(long process, String type, String f, String key, String value, String expected, long time) {}

    private record Pending(int id, int line, Event invoke) {}

    private HistoryReader() {}

    public static History read(BufferedReader in) throws IOException, MalformedHistoryException {
        Map<Long, Pending> inFlight = new HashMap<>();
        List<Operation> operations = new ArrayList<>();
        int nextId = 0;
        int dropped = 0;
        int lineNumber = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            Event event = parse(line, lineNumber);
            Pending pending = inFlight.get(event.process());
            if (event.type().equals("invoke")) {
                if (pending != null) {
                    throw new MalformedHistoryException(
                            lineNumber,
                            "process " + event.process() + " invokes again while its invoke on line " + pending.line()
                                    + " has not completed");
                }
                checkInvocationValue(event, lineNumber);
                inFlight.put(event.process(), new Pending(nextId++, lineNumber, event));
                continue;
            }
            if (pending == null) {
                throw new MalformedHistoryException(
                        lineNumber,
                        "'" + event.type() + "' for process " + event.process() + " with no invoke before it");
            }
            Event invoke = pending.invoke();
            if (!event.f().equals(invoke.f())) {
                throw new MalformedHistoryException(
                        lineNumber,
                        "completes a '" + invoke.f() + "' (line " + pending.line() + ") as '" + event.f() + "'");
            }
            if (!event.key().isEmpty() && !event.key().equals(invoke.key())) {
                throw new MalformedHistoryException(
                        lineNumber,
                        "completes key '" + invoke.key() + "' (line " + pending.line() + ") as key '" + event.key()
                                + "'");
            }
            if (event.time() < invoke.time()) {
                throw new MalformedHistoryException(
                        lineNumber, "completes before its invocation on line " + pending.line());
            }
            inFlight.remove(event.process());
            Operation op = complete(pending, event, lineNumber);
            if (op == null) {
                dropped++;
            } else {
                operations.add(op);
            }
        }
        for (Pending pending : inFlight.values()) {
            Operation op = indeterminate(pending);
            if (op == null) {
                dropped++;
            } else {
                operations.add(op);
            }
        }
        operations.sort(java.util.Comparator.comparingInt(Operation::id));
        return new History(operations, dropped);
    }

    /** The operation an invocation and its completion make, or null when it cannot matter (fail, indeterminate read). */
    private static Operation complete(Pending pending, Event completion, int line) throws MalformedHistoryException {
        return switch (completion.type()) {
            case "fail" -> null;
            case "info" -> indeterminate(pending);
            case "ok" -> {
                Event invoke = pending.invoke();
                Command command =
                        switch (invoke.f()) {
                            case "read" -> {
                                if (completion.value() == null) {
                                    throw new MalformedHistoryException(
                                            line, "an ok read needs a \"value\" (null if absent)");
                                }
                                yield new Command.Read(completion.value());
                            }
                            default -> command(invoke);
                        };
                yield new Operation(
                        pending.id(),
                        invoke.process(),
                        invoke.key(),
                        command,
                        true,
                        invoke.time(),
                        completion.time(),
                        pending.line());
            }
            default -> throw new IllegalStateException("unreachable: " + completion.type());
        };
    }

    private static Operation indeterminate(Pending pending) {
        Event invoke = pending.invoke();
        if (invoke.f().equals("read")) {
            return null;
        }
        return new Operation(
                pending.id(),
                invoke.process(),
                invoke.key(),
                command(invoke),
                false,
                invoke.time(),
                Long.MAX_VALUE,
                pending.line());
    }

    private static Command command(Event invoke) {
        return invoke.f().equals("write")
                ? new Command.Write(invoke.value())
                : new Command.Cas(invoke.expected(), invoke.value());
    }

    private static void checkInvocationValue(Event invoke, int line) throws MalformedHistoryException {
        if (invoke.f().equals("write") && invoke.value() == null) {
            throw new MalformedHistoryException(line, "a write invoke needs a \"value\"");
        }
        if (invoke.f().equals("cas") && invoke.expected() == null) {
            throw new MalformedHistoryException(line, "a cas invoke needs \"value\": [expected, new]");
        }
    }

    private static Event parse(String line, int lineNumber) throws MalformedHistoryException {
        Long process = null;
        Long time = null;
        String type = null;
        String f = null;
        String key = null;
        String value = null;
        String expected = null;
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedHistoryException(lineNumber, "expected a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "process" -> process = integer(parser, token, field, lineNumber);
                    case "time" -> time = integer(parser, token, field, lineNumber);
                    case "type" -> type = oneOf(parser, token, field, lineNumber, "invoke", "ok", "fail", "info");
                    case "f" -> f = oneOf(parser, token, field, lineNumber, "read", "write", "cas");
                    case "key" -> key = text(parser, token, field, lineNumber);
                    case "value" -> {
                        if (token == JsonToken.START_ARRAY) {
                            JsonToken first = parser.nextToken();
                            expected = first.isScalarValue() ? scalar(parser, first, lineNumber) : null;
                            JsonToken second = parser.nextToken();
                            value = second.isScalarValue() ? scalar(parser, second, lineNumber) : null;
                            if (expected == null || value == null || parser.nextToken() != JsonToken.END_ARRAY) {
                                throw new MalformedHistoryException(lineNumber, "a cas value is [expected, new]");
                            }
                        } else {
                            value = scalar(parser, token, lineNumber);
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new MalformedHistoryException(lineNumber, "expected one JSON object on the line");
            }
        } catch (JsonProcessingException e) {
            String problem = e.getOriginalMessage();
            int detail = problem.indexOf(" (");
            throw new MalformedHistoryException(
                    lineNumber,
                    "not valid JSON at column " + e.getLocation().getColumnNr() + ": "
                            + (detail > 0 ? problem.substring(0, detail) : problem));
        } catch (IOException e) {
            throw new MalformedHistoryException(lineNumber, e.getMessage());
        }
        require(process, "process", lineNumber);
        require(time, "time", lineNumber);
        require(type, "type", lineNumber);
        require(f, "f", lineNumber);
        if (type.equals("invoke")) {
            require(key, "key", lineNumber);
            if (f.equals("cas") != (expected != null)) {
                throw new MalformedHistoryException(
                        lineNumber,
                        f.equals("cas") ? "a cas value is [expected, new]" : "only a cas value is an array");
            }
        }
        return new Event(process, type, f, key == null ? "" : key, value, expected, time);
    }

    private static void require(Object field, String name, int line) throws MalformedHistoryException {
        if (field == null) {
            throw new MalformedHistoryException(line, "missing \"" + name + "\"");
        }
    }

    private static long integer(JsonParser parser, JsonToken token, String field, int line)
            throws IOException, MalformedHistoryException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedHistoryException(line, "\"" + field + "\" must be an integer");
        }
        return parser.getLongValue();
    }

    private static String text(JsonParser parser, JsonToken token, String field, int line)
            throws IOException, MalformedHistoryException {
        if (token != JsonToken.VALUE_STRING) {
            throw new MalformedHistoryException(line, "\"" + field + "\" must be a string");
        }
        return parser.getText();
    }

    private static String oneOf(JsonParser parser, JsonToken token, String field, int line, String... allowed)
            throws IOException, MalformedHistoryException {
        String value = text(parser, token, field, line);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw new MalformedHistoryException(
                line, "\"" + field + "\" is \"" + value + "\"; expected one of " + String.join(", ", allowed));
    }

    /** The value as JSON text, so that 1 and "1" stay different values. */
    private static String scalar(JsonParser parser, JsonToken token, int line)
            throws IOException, MalformedHistoryException {
        if (token == null) {
            throw new MalformedHistoryException(line, "truncated value");
        }
        return switch (token) {
            case VALUE_NULL -> Command.ABSENT;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> parser.getText();
            case VALUE_STRING ->
                '"' + new String(JsonStringEncoder.getInstance().quoteAsString(parser.getText())) + '"';
            default -> throw new MalformedHistoryException(line, "values must be JSON scalars or null");
        };
    }
}
