package dev.flotilla.transport.netty;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * A value's full text, for comparing messages in tests: the core's records compare {@code byte[]} fields by identity,
 * so equal messages are not {@code equals}. Arrays print as hex, records field by field.
 */
final class RecordText {
    private RecordText() {}

    static String of(Object value) {
        if (value instanceof byte[] bytes) {
            return "0x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(RecordText::of).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Record record) {
            StringBuilder text = new StringBuilder(record.getClass().getSimpleName()).append('(');
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                try {
                    text.append(component.getName())
                            .append('=')
                            .append(of(component.getAccessor().invoke(record)))
                            .append(' ');
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return text.append(')').toString();
        }
        return String.valueOf(value);
    }
}
