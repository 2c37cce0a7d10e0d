package dev.flotilla.kv.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One mapping of the config file, read field by field into typed values. Every error names the field by its full
 * path as the file spells it ({@code raft.tick-interval-ms}, {@code initial-cluster[1].peer-address}), and a field the
 * reader never asked for is an error too, so a typo never goes unnoticed.
 */
final class Section {
    private final ObjectNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    Section(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String fieldPath(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    ConfigException error(String name, String problem) {
        return new ConfigException("config field '" + fieldPath(name) + "': " + problem);
    }

    private Optional<JsonNode> field(String name) {
        read.add(name);
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    long longOr(String name, long defaultValue) {
        return field(name).map(v -> toLong(name, v)).orElse(defaultValue);
    }

    long requiredLong(String name) {
        return toLong(name, field(name).orElseThrow(() -> error(name, "is required")));
    }

    int intOr(String name, int defaultValue) {
        long value = longOr(name, defaultValue);
        if (value != (int) value) {
            throw error(name, "must fit in 32 bits, was " + value);
        }
        return (int) value;
    }

    Optional<String> string(String name) {
        return field(name).map(v -> {
            if (!v.isValueNode()) {
                throw error(name, "must be a string");
            }
            return v.asText();
        });
    }

    /** A boolean: YAML's true/false (or the strings "true"/"false", as --set passes them). */
    boolean booleanOr(String name, boolean defaultValue) {
        return field(name)
                .map(v -> {
                    if (v.isBoolean()) {
                        return v.asBoolean();
                    }
                    String text = v.isTextual() ? v.asText().trim() : "";
                    if (text.equals("true") || text.equals("false")) {
                        return Boolean.parseBoolean(text);
                    }
                    throw error(name, "must be true or false, was '" + v.asText() + "'");
                })
                .orElse(defaultValue);
    }

    String requiredString(String name) {
        return string(name).orElseThrow(() -> error(name, "is required"));
    }

    Optional<InetSocketAddress> address(String name) {
        return string(name).map(text -> {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw error(name, "must be host:port, was '" + text + "'");
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw error(name, "port must be 0..65535, was " + port);
                }
                InetSocketAddress address = new InetSocketAddress(text.substring(0, colon), port);
                if (address.isUnresolved()) {
                    throw error(name, "host '" + address.getHostString() + "' cannot be resolved");
                }
                return address;
            } catch (NumberFormatException e) {
                throw error(name, "must be host:port, was '" + text + "'");
            }
        });
    }

    InetSocketAddress requiredAddress(String name) {
        return address(name).orElseThrow(() -> error(name, "is required"));
    }

    Optional<Section> section(String name) {
        return field(name).map(v -> {
            if (!(v instanceof ObjectNode object)) {
                throw error(name, "must be a mapping");
            }
            return new Section(object, fieldPath(name));
        });
    }

    /** An optional list of strings; empty when the field is absent. */
    List<String> stringList(String name) {
        Optional<JsonNode> value = field(name);
        if (value.isEmpty()) {
            return List.of();
        }
        if (!value.get().isArray()) {
            throw error(name, "must be a list of strings");
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.get().size(); i++) {
            if (!value.get().get(i).isTextual()) {
                throw error(name + "[" + i + "]", "must be a string");
            }
            items.add(value.get().get(i).asText());
        }
        return items;
    }

    List<Section> list(String name) {
        JsonNode value = field(name).orElseThrow(() -> error(name, "is required"));
        if (!value.isArray()) {
            throw error(name, "must be a list");
        }
        List<Section> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!(value.get(i) instanceof ObjectNode object)) {
                throw error(name + "[" + i + "]", "must be a mapping");
            }
            items.add(new Section(object, fieldPath(name) + "[" + i + "]"));
        }
        return items;
    }

    /**
     * Builds a typed record from this section and checks that no unknown field is left. A record's own check names
     * its component in camelCase first ({@code "tickIntervalMs must be positive"}); the error names the file's field.
     */
    <T> T build(Supplier<T> constructor) {
        T value;
        try {
            value = constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            String message = String.valueOf(e.getMessage());
            int space = message.indexOf(' ');
            String first = space < 0 ? message : message.substring(0, space);
            String kebab = first.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            if (read.contains(kebab)) {
                throw new ConfigException(
                        "config field '" + fieldPath(kebab) + "': " + message.substring(space + 1), e);
            }
            throw new ConfigException(
                    "config " + (path.isEmpty() ? "file" : "section '" + path + "'") + ": " + message, e);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!read.contains(name)) {
                throw new ConfigException("config field '" + fieldPath(name) + "': unknown field");
            }
        }
        return value;
    }

    private long toLong(String name, JsonNode value) {
        if (value.canConvertToExactIntegral() && value.isNumber()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw error(name, "must be an integer, was '" + value.asText() + "'");
    }
}
